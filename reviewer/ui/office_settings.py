"""Office settings: court, district attorney, signing deputy, public defender, filing style.

The example details shipped with Reviewer stay flagged (a banner, and each field still holding the
example's value marked) until every one of them is replaced; saving is validated and audited.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from reviewer.domain.people import bar_number_problem
from reviewer.services.office import (
    FILING_STYLES, OfficeError, example_fields, load_office_document, office_document_problems, save_office,
)

# (key, label, multi-line) by group
GROUPS = (
    ("Court", (("county", "&County", False), ("court_name", "Court &name", False),
               ("court_address", "Court address", True), ("city", "City (signature line)", False))),
    ("District attorney", (("district_attorney", "&District attorney", False),
                           ("district_attorney_title", "Title", False),
                           ("office_address", "Office address", True), ("phone", "&Phone", False),
                           ("email", "&Email", False))),
    ("Signing deputy", (("deputy_name", "Deputy's na&me", False), ("deputy_title", "Deputy's title", False),
                        ("deputy_bar_number", "State &Bar number", False))),
    ("Public defender (served with each filing)", (("public_defender", "Public de&fender", False),
                                                   ("public_defender_address", "Address", True))),
)
EXAMPLE_STYLE = "background: #fff4d6;"


class OfficeSettingsDialog(QDialog):
    def __init__(self, db, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user_name = db, user_name
        self.setWindowTitle("Office settings")
        self.setObjectName("officeSettings")
        self.setMinimumWidth(1000)
        self.document = load_office_document(db)
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setObjectName("exampleBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fbe4e4; color:#7a1c1c; padding:6px;")
        layout.addWidget(self.banner)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        columns = QHBoxLayout()
        halves = (QVBoxLayout(), QVBoxLayout())
        for half in halves:
            columns.addLayout(half, 1)
        for number, (title, rows) in enumerate(GROUPS):
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key, label, multi in rows:
                value = self.document.get(key, [] if multi else "")
                if multi:
                    field = QPlainTextEdit("\n".join(value) if isinstance(value, list) else str(value))
                    field.setTabChangesFocus(True)
                    field.setFixedHeight(field.fontMetrics().lineSpacing() * 4 + 12)
                    field.textChanged.connect(self._check)
                else:
                    field = QLineEdit(str(value))
                    field.textChanged.connect(self._check)
                field.setObjectName(f"office-{key}")
                field.setAccessibleName(label.replace("&", ""))
                self.fields[key] = field
                form.addRow(label + ":", field)
            halves[0 if number < 2 else 1].addWidget(box)
        style_box = QGroupBox("Filing style")
        style_form = QFormLayout(style_box)
        self.filing_style = QComboBox()
        self.filing_style.setObjectName("office-filing_style")
        self.filing_style.setAccessibleName("Filing style")
        self.filing_style.setMinimumContentsLength(30)
        self.filing_style.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for key, label in FILING_STYLES.items():
            self.filing_style.addItem(label, key)
        current = self.document.get("filing_style", next(iter(FILING_STYLES)))
        self.filing_style.setCurrentIndex(max(0, list(FILING_STYLES).index(current) if current in FILING_STYLES else 0))
        style_form.addRow("&How the office files:", self.filing_style)
        halves[1].addWidget(style_box)
        for half in halves:
            half.addStretch(1)
        layout.addLayout(columns)
        self.hint = QLabel()
        self.hint.setObjectName("officeHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def values(self) -> dict:
        doc = {k: v for k, v in self.document.items() if not k.startswith("_")}
        for key, field in self.fields.items():
            if isinstance(field, QPlainTextEdit):
                doc[key] = [line.strip() for line in field.toPlainText().splitlines() if line.strip()]
            else:
                doc[key] = " ".join(field.text().split())
        doc["filing_style"] = self.filing_style.currentData()
        doc["example"] = bool(example_fields(doc))
        return doc

    def _problem(self) -> str:
        doc = self.values()
        problems = office_document_problems(doc)
        bar = bar_number_problem(doc.get("deputy_bar_number", ""))
        if bar and doc.get("deputy_bar_number") and "deputy_bar_number" not in example_fields(doc):
            problems.append(f"deputy's State Bar number: {bar}")
        return "; ".join(problems)

    def _check(self) -> None:
        doc = self.values()
        still = example_fields(doc)
        for key, field in self.fields.items():
            field.setStyleSheet(EXAMPLE_STYLE if key in still else "")
            field.setToolTip("Still the example shipped with Reviewer: replace it." if key in still else "")
        self.banner.setVisible(bool(still))
        self.banner.setText(f"<b>Example office details.</b> {len(still)} field{'s' if len(still) != 1 else ''} "
                            "(marked) still hold the example shipped with Reviewer; every document printed says so "
                            "until all are replaced.")
        problem = self._problem()
        self.hint.setText(problem)
        self.save_button.setEnabled(not problem)

    def accept(self) -> None:  # noqa: D102 - validated and audited through the office service
        if self._problem():
            return
        try:
            save_office(self.db, self.values(), self.user_name)
        except OfficeError as exc:
            self.hint.setText(str(exc))
            return
        super().accept()


def open_office_settings(window) -> None:
    OfficeSettingsDialog(window.service.db, window.user.name, window).exec()
