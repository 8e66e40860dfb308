"""The import wizard: choose a file, map its columns (with a preview), validate, import with progress.

DOJ research files skip the mapping step. Case-management exports (CSV/XLSX) are mapped
field by field, starting from a saved mapping of the same source or a guess from the
header; the mapping is saved for next time when the import succeeds. Validation and the
import run on a worker thread with their own database connection; Cancel during the
import rolls everything back.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from reviewer.services import generic_import as gi
from reviewer.ui.workers import JobRunner

NOT_MAPPED = "(not in this file)"
NEW_MAPPING = "New mapping (guessed from the header)"
DATE_FORMATS = (("Automatic (YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD)", ""), ("MM/DD/YYYY", "%m/%d/%Y"),
                ("YYYY-MM-DD", "%Y-%m-%d"), ("DD/MM/YYYY", "%d/%m/%Y"), ("YYYYMMDD", "%Y%m%d"), ("MM-DD-YYYY", "%m-%d-%Y"))
PREVIEW_ROWS = 10
SHOWN_PROBLEMS = 200


def _validate(db, job, path: str, mapping):
    return gi.validate(path, mapping)


def _import(db, job, path: str, mapping, user: str):
    return gi.import_any(db, path, mapping, user, job)


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("wizardError")
    label.setStyleSheet("color: #9b1c1c;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a file")
        self.setSubTitle("A DOJ research file (.csv, .dat) or a case-management export (.csv, .xlsx).")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("File to import")
        self.path_edit.textChanged.connect(self._changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.kind_label = QLabel()
        layout.addWidget(self.kind_label)
        form = QFormLayout()
        self.mapping_combo = QComboBox()
        self.mapping_combo.setAccessibleName("Column mapping to start from")
        load = QPushButton("Load mapping file…")
        load.clicked.connect(self._load_mapping_file)
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(self.mapping_combo, 1)
        mapping_row.addWidget(load)
        form.addRow("Column mapping (case exports):", mapping_row)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._kind_of = ("", "case")
        self.reload_mappings()

    def reload_mappings(self, select: str = "") -> None:
        self.mapping_combo.clear()
        self.mapping_combo.addItem(NEW_MAPPING, None)
        for mapping in self.w.saved_mappings:
            self.mapping_combo.addItem(mapping.source, mapping)
        if select:
            self.mapping_combo.setCurrentIndex(max(self.mapping_combo.findText(select), 0))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose a file to import", "",
                                                "Data files (*.csv *.dat *.txt *.xlsx);;All files (*)")
        if chosen:
            self.path_edit.setText(chosen)

    def _load_mapping_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Load a column mapping", "", "Mapping (*.json)")
        if chosen:
            self.load_mapping_file(chosen)

    def load_mapping_file(self, path: str) -> bool:
        try:
            mapping = gi.load_mapping(path)
        except gi.MappingError as exc:
            self.error.setText(str(exc))
            return False
        self.w.saved_mappings = [m for m in self.w.saved_mappings if m.source != mapping.source] + [mapping]
        self.reload_mappings(select=mapping.source)
        self.error.clear()
        return True

    def _changed(self) -> None:
        self.error.clear()
        self.kind_label.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return Path(self.path_edit.text().strip()).is_file()

    def validatePage(self) -> bool:  # noqa: N802
        path = self.path_edit.text().strip()
        try:
            kind = gi.detect_kind(path)
        except gi.FileRejected as exc:
            self.error.setText(str(exc))
            return False
        self.w.path, self.w.kind = path, kind
        self.w.start_from = self.mapping_combo.currentData()
        self.kind_label.setText("DOJ research file: no mapping needed." if kind == "doj"
                                else "Case-management export: map its columns next.")
        return True

    def nextId(self) -> int:  # noqa: N802
        return ImportWizard.PAGE_VALIDATE if self._kind() == "doj" else ImportWizard.PAGE_MAPPING

    def _kind(self) -> str:
        """detect_kind for the path typed (Qt asks nextId often: remembered per path)."""
        path = self.path_edit.text().strip()
        if self._kind_of[0] != path:
            try:
                kind = gi.detect_kind(path) if path and Path(path).is_file() else "case"
            except gi.FileRejected:
                kind = "case"
            self._kind_of = (path, kind)
        return self._kind_of[1]


class MappingPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Map the columns")
        self.setSubTitle("Say which column of the file holds each item. Fields marked * are required.")
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.source_edit = QLineEdit()
        self.source_edit.setAccessibleName("Source name (the mapping is saved under it)")
        self.source_edit.textChanged.connect(self._changed)
        self.county_edit = QLineEdit()
        self.county_edit.setPlaceholderText("when the file has no county column")
        self.county_edit.setAccessibleName("County for the whole file")
        self.county_edit.textChanged.connect(self._changed)
        self.date_combo = QComboBox()
        self.date_combo.setAccessibleName("Date format")
        for label, fmt in DATE_FORMATS:
            self.date_combo.addItem(label, fmt)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Sheet")
        self.sheet_combo.currentTextChanged.connect(self._sheet_changed)
        top.addRow("Source name:", self.source_edit)
        top.addRow("County for the whole file:", self.county_edit)
        top.addRow("Dates are written as:", self.date_combo)
        top.addRow("Sheet:", self.sheet_combo)
        layout.addLayout(top)
        body = QHBoxLayout()
        fields = QWidget()
        form = QFormLayout(fields)
        self.combos: dict[str, QComboBox] = {}
        for spec in gi.FIELDS:
            combo = QComboBox()
            combo.setAccessibleName(spec.label)
            combo.setToolTip(spec.hint)
            combo.currentIndexChanged.connect(self._changed)
            form.addRow(f"{spec.label}{' *' if spec.required else ''}:", combo)
            self.combos[spec.name] = combo
        body.addWidget(fields, 0)
        self.preview = QTableWidget()
        self.preview.setAccessibleName(f"The first {PREVIEW_ROWS} rows of the file")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setMinimumWidth(380)
        body.addWidget(self.preview, 1)
        layout.addLayout(body, 1)
        bottom = QHBoxLayout()
        self.error = _error_label()
        save = QPushButton("Save mapping to file…")
        save.clicked.connect(self._save_to_file)
        bottom.addWidget(self.error, 1)
        bottom.addWidget(save)
        layout.addLayout(bottom)
        self.header: list[str] = []

    def initializePage(self) -> None:  # noqa: N802
        start = self.w.start_from
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.blockSignals(False)
        self.source_edit.setText(start.source if start else Path(self.w.path).stem.replace("_", " ")[:80])
        self.county_edit.setText(start.county if start else "")
        self.date_combo.setCurrentIndex(max(self.date_combo.findData(start.date_format if start else ""), 0))
        self._load_preview(start.sheet if start else "")
        columns = dict(start.columns) if start else gi.guess_columns(self.header)
        self.set_columns(columns)

    def _load_preview(self, sheet: str) -> None:
        try:
            header, rows, sheets = gi.preview(self.w.path, sheet, PREVIEW_ROWS)
        except gi.FileRejected as exc:
            header, rows, sheets = [], [], []
            self.error.setText(str(exc))
        self.header = [h for h in header]
        if sheets and self.sheet_combo.count() == 0:
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.addItems(sheets)
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findText(sheet), 0))
            self.sheet_combo.blockSignals(False)
        self.sheet_combo.setEnabled(bool(sheets))
        self.preview.clear()
        self.preview.setColumnCount(len(header))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels([h or f"(column {i + 1})" for i, h in enumerate(header)])
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(header)]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()
        for name, combo in self.combos.items():
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_MAPPED, "")
            for h in header:
                if h.strip():
                    combo.addItem(h, h)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def _sheet_changed(self, sheet: str) -> None:
        if sheet:
            columns = self.columns()
            self._load_preview(sheet)
            self.set_columns(columns)

    def set_columns(self, columns: dict[str, str]) -> None:
        for name, combo in self.combos.items():
            wanted = columns.get(name, "")
            index = next((i for i in range(combo.count())
                          if wanted and combo.itemData(i).strip().casefold() == wanted.strip().casefold()), 0)
            combo.setCurrentIndex(index)
        self._changed()

    def columns(self) -> dict[str, str]:
        return {name: combo.currentData() for name, combo in self.combos.items() if combo.currentData()}

    def mapping_document(self) -> dict:
        data = {"source": self.source_edit.text().strip(), "columns": self.columns()}
        if self.county_edit.text().strip():
            data["county"] = self.county_edit.text().strip()
        if self.date_combo.currentData():
            data["date_format"] = self.date_combo.currentData()
        if self.sheet_combo.isEnabled() and self.sheet_combo.currentText():
            data["sheet"] = self.sheet_combo.currentText()
        start = self.w.start_from
        if start is not None and start.source == data["source"]:
            for key in ("convicted", "levels", "id_namespace"):
                value = start.as_dict().get(key)
                if value is not None:
                    data[key] = value
        return data

    def _missing(self) -> list[str]:
        columns = self.columns()
        missing = [spec.label for spec in gi.FIELDS if spec.required and not columns.get(spec.name)]
        if not columns.get("county") and not self.county_edit.text().strip():
            missing.append("County (a column, or one county for the whole file)")
        if not self.source_edit.text().strip():
            missing.append("Source name")
        return missing

    def _changed(self) -> None:
        missing = self._missing()
        self.error.setText("Still to map: " + ", ".join(missing) if missing else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.header) and not self._missing()

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self.w.mapping = gi.mapping_from_dict(self.mapping_document())
        except gi.MappingError as exc:
            self.error.setText(exc.problem)
            return False
        return True

    def _save_to_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the column mapping", "mapping.json", "Mapping (*.json)")
        if chosen:
            self.save_to_file(chosen)

    def save_to_file(self, path: str) -> bool:
        try:
            gi.write_mapping_file(gi.mapping_from_dict(self.mapping_document()), path)
        except gi.MappingError as exc:
            self.error.setText(exc.problem)
            return False
        except OSError as exc:
            self.error.setText(f"The mapping could not be saved: {exc.strerror or exc}")
            return False
        return True


class ValidatePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check the file")
        self.setSubTitle("The file is read as the import will read it; nothing is written yet.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        layout = QVBoxLayout(self)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = _error_label()
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Rows with problems (imported, sent to review)")
        for widget in (self.busy, self.summary, self.error, self.problems):
            layout.addWidget(widget)
        self.result = None

    def initializePage(self) -> None:  # noqa: N802
        self.result = None
        self.summary.setText("Reading the file…")
        self.error.clear()
        self.problems.clear()
        self.busy.show()
        mapping = self.w.mapping if self.w.kind == "case" else None
        self.w.run("Checking", "", _validate, self.w.path, mapping)

    def cleanupPage(self) -> None:  # noqa: N802
        self.w.runner.cancel()

    def show_result(self, validation) -> None:
        self.busy.hide()
        self.result = validation
        self.summary.setText(validation.summary() + ".\nRows with problems are imported and their convictions go to "
                             "review." if validation.problems else validation.summary() + ".")
        shown = validation.problems[:SHOWN_PROBLEMS]
        more = len(validation.problems) - len(shown)
        self.problems.setPlainText("\n".join(shown) + (f"\n… and {more} more" if more > 0 else ""))
        self.problems.setVisible(bool(shown))
        self.completeChanged.emit()

    def show_error(self, message: str) -> None:
        self.busy.hide()
        self.summary.setText("This file cannot be imported:")
        self.error.setText(message)
        self.problems.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None


class ImportPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Import")
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.w.cancel_import)
        self.error = _error_label()
        for widget in (self.label, self.progress, self.cancel_button, self.error):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.done = False

    def initializePage(self) -> None:  # noqa: N802
        self.done = False
        self.label.setText(f"Importing {Path(self.w.path).name}…")
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.error.clear()
        mapping = self.w.mapping if self.w.kind == "case" else None
        self.w.run("Importing", self.w.db.url, _import, self.w.path, mapping, self.w.user_name)

    def set_progress(self, done: int, total: int, what: str) -> None:
        if what:
            self.label.setText(what + "…")
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def finish(self, text: str, error: str = "") -> None:
        self.done = True
        self.label.setText(text)
        self.error.setText(error)
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if not error else 0)
        self.cancel_button.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.done


class ImportWizard(QWizard):
    """Import one file: `imported` carries the ImportReport when something was written."""

    PAGE_FILE, PAGE_MAPPING, PAGE_VALIDATE, PAGE_IMPORT = range(4)
    imported = Signal(object)

    def __init__(self, db, user, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a file")
        self.setObjectName("importWizard")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.db = db
        self.user_name = getattr(user, "name", None) or str(user or "")
        self.path, self.kind, self.mapping, self.start_from = "", "case", None, None
        self.report = None
        self._close_when_cancelled = False
        self._next = None
        try:
            self.saved_mappings = gi.list_mappings(db)
        except Exception:  # noqa: BLE001 - an unreadable settings table must not stop an import
            self.saved_mappings = []
        self.runner = JobRunner(self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(self._cancelled)
        self.file_page, self.mapping_page = FilePage(self), MappingPage(self)
        self.validate_page, self.import_page = ValidatePage(self), ImportPage(self)
        for page_id, page in ((self.PAGE_FILE, self.file_page), (self.PAGE_MAPPING, self.mapping_page),
                              (self.PAGE_VALIDATE, self.validate_page), (self.PAGE_IMPORT, self.import_page)):
            self.setPage(page_id, page)
        self.setStartId(self.PAGE_FILE)
        self.resize(980, 640)

    def run(self, title: str, url: str, fn, *args) -> None:
        """Start a job; one still running is cancelled first and its result dropped."""
        if self.runner.busy:
            self._next = (title, url, fn, args)
            self.runner.cancel()
            return
        self.runner.start(title, url, fn, *args)

    def _superseded(self) -> bool:
        """A job was asked for while another ran: drop the old result and start the new job."""
        if self._next is None:
            return False
        title, url, fn, args = self._next
        self._next = None
        self.runner.start(title, url, fn, *args)
        return True

    def _progress(self, done: int, total: int, what: str) -> None:
        if self.runner.title == "Importing" and self._next is None:
            self.import_page.set_progress(done, total, what)

    def _finished(self, title: str, result) -> None:
        if self._superseded():
            return
        if title == "Checking":
            self.validate_page.show_result(result)
            return
        self.report = result
        if result.imported:
            self.import_page.finish(result.summary())
            self.imported.emit(result)
        else:
            self.import_page.finish(result.message or "Nothing was imported.")

    def _failed(self, title: str, message: str) -> None:
        if self._superseded():
            return
        if title == "Checking":
            self.validate_page.show_error(message)
        else:
            self.import_page.finish("The import stopped; nothing was saved.", message)

    def _cancelled(self, title: str) -> None:
        if self._superseded():
            return
        if title == "Importing":
            self.import_page.finish("Cancelled: nothing was imported.")
        if self._close_when_cancelled:
            self._close_when_cancelled = False
            super().reject()

    def cancel_import(self) -> None:
        if self.runner.busy:
            self.import_page.cancel_button.setEnabled(False)
            self.import_page.label.setText("Cancelling…")
            self.runner.cancel()

    def reject(self) -> None:
        """Cancel (or Escape) during a job stops the job first; the wizard closes once it has."""
        if self.runner.busy:
            self._close_when_cancelled = True
            self.cancel_import()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.runner.wait(10_000)
        super().done(result)
