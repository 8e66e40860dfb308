"""What-if: edit the policy options (or pick a policy file), compare with the current run side by side, and save
the policy as the office's when it is the one to adopt. Nothing here writes an evaluation or a decision."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSplitter,
    QTableView,
    QVBoxLayout, QWidget,
)

from reviewer.domain.people import User
from reviewer.engine.policy import load_policy, policy_from_document
from reviewer.services.policy_files import load_office_policy, save_office_policy, write_office_policy_file
from reviewer.services.whatif import Change, WhatIf, suggestion_label, what_if, write_csv
from reviewer.ui.dates import qdate
from reviewer.ui.policy_options import PolicyOptions
from reviewer.ui.workers import JobRunner

COLUMNS = ("Person", "Current run", "With the change", "Decided", "Section", "Level", "Convicted", "Court case",
           "CII")
NOW, PROPOSED, DECIDED = 1, 2, 3
WIDTHS = (190, 180, 180, 200, 110, 45, 90, 100, 100)
COMPARING = "What-if"


class ChangesModel(QAbstractTableModel):
    """The convictions whose suggestion would change, one row each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.changes: list[Change] = []

    def set_changes(self, changes: list[Change]) -> None:
        self.beginResetModel()
        self.changes = list(changes)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.changes):
            return None
        change = self.changes[index.row()]
        s = change.standing
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.name, suggestion_label(s.suggestion), suggestion_label(change.proposed),
                    f"{s.outcome.replace('_', ' ').lower()} by {s.decided_by}" if change.decided else "",
                    s.code_section, s.level, s.disposition_date, s.court_case, s.cii)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (NOW, PROPOSED):
            return s.policy_reason if index.column() == NOW else change.proposed_reason
        if role == Qt.ItemDataRole.UserRole:
            return change.decided
        return None


class DecidedFilter(QSortFilterProxyModel):
    only_decided = False

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        if not self.only_decided:
            return True
        return bool(self.sourceModel().index(row, 0, parent).data(Qt.ItemDataRole.UserRole))


class WhatIfView(QWidget):
    def __init__(self, db, user: User, policy_folder: str | Path, as_of: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user, self.policy_folder = db, user, Path(policy_folder)
        self.result: WhatIf | None = None
        self.jobs = JobRunner(self)
        self.setObjectName("whatIfView")
        self.setWindowTitle("What-if: compare a policy with the current run")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        intro = QLabel("Choose or change the policy, then <b>Compare</b> (Ctrl+Enter): every conviction whose "
                       "suggestion would change is listed beside the current run's. Nothing is evaluated or decided "
                       "until you adopt it (save it as the office's policy, then File → New review or Re-evaluate).")
        intro.setWordWrap(True)
        left_layout.addWidget(intro)
        self.options = PolicyOptions(load_office_policy(db), as_of or date.today(), columns=1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.options)
        left_layout.addWidget(scroll, 1)
        line = QHBoxLayout()
        self.policy_file = QLineEdit()
        self.policy_file.setObjectName("whatIfPolicyFile")
        self.policy_file.setAccessibleName("Compare a policy file instead")
        self.policy_file.setPlaceholderText("…or a policy file (reviewer policy new): its path")
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        line.addWidget(self.policy_file, 1)
        line.addWidget(browse)
        left_layout.addLayout(line)
        buttons = QHBoxLayout()
        self.compare_button = QPushButton("&Compare   (Ctrl+Enter)")
        self.compare_button.setObjectName("compareButton")
        self.save_button = QPushButton("&Save as our office's policy")
        self.save_button.setObjectName("savePolicyButton")
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.save_button)
        left_layout.addLayout(buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.summary = QLabel("No comparison yet.")
        self.summary.setObjectName("whatIfSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        right_layout.addWidget(self.summary)
        self.only_decided = QCheckBox("Only &decided convictions (their decisions stay; they would be marked "
                                      "'suggestion changed since decided')")
        self.only_decided.setObjectName("onlyDecided")
        right_layout.addWidget(self.only_decided)
        self.model = ChangesModel(self)
        self.proxy = DecidedFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("whatIfTable")
        self.table.setAccessibleName("Convictions whose suggestion would change")
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order: by person
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        right_layout.addWidget(self.table, 1)
        self.csv_button = QPushButton("Save the list as C&SV…")
        self.csv_button.setObjectName("whatIfCsvButton")
        self.csv_button.setEnabled(False)
        right_layout.addWidget(self.csv_button, 0, Qt.AlignmentFlag.AlignRight)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.compare_button.clicked.connect(self.compare)
        self.save_button.clicked.connect(self.save_policy)
        self.csv_button.clicked.connect(lambda: self.save_csv())
        self.only_decided.toggled.connect(self._filter)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.compare)
        self.jobs.finished.connect(lambda _t, result: self._show(result))
        self.jobs.failed.connect(lambda _t, message: self.summary.setText(f"The comparison did not finish: {message}"))
        self.jobs.cancelled.connect(lambda _t: self.summary.setText("Comparison stopped."))
        self.jobs.busy_changed.connect(lambda busy: self.compare_button.setEnabled(not busy))

    def set_as_of(self, day: date) -> None:
        self.options.as_of.setDate(qdate(day))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Policy file", "", "Policy files (*.json)")
        if path:
            self.policy_file.setText(path)

    def chosen_policy(self):
        path = self.policy_file.text().strip()
        if path:
            return load_policy(path)
        document = self.options.document()
        return None if document is None else policy_from_document(document)

    def compare(self) -> None:
        if self.jobs.busy:
            return
        try:
            policy = self.chosen_policy()
        except ValueError as exc:  # PolicyError names the file and field
            self.summary.setText(str(exc))
            return
        as_of = self.options.as_of_date()
        self.summary.setText("Comparing… (nothing is written)")
        self.jobs.start(COMPARING, self.db.url, lambda db, job: what_if(db, policy, None, as_of, job))

    def _show(self, result: WhatIf) -> None:
        self.result = result
        self.model.set_changes(result.changes)
        self.csv_button.setEnabled(bool(result.changes))
        now, then = result.current_impact, result.proposed_impact
        self.summary.setText(
            f"<b>{result.county.title()}</b> as of {result.as_of}: <b>{len(result.changes):,}</b> of "
            f"{result.evaluated:,} convictions would change ({result.persons:,} people; "
            f"<b>{len(result.decided):,}</b> already decided).<br>"
            f"<table cellpadding='3'><tr><th></th><th align='left'>Current run</th><th align='left'>With the change"
            f"</th></tr><tr><td>Policy</td><td>{result.current_policy}</td><td>{result.proposed_policy}</td></tr>"
            f"<tr><td>People with no felony left</td><td>{now.no_felony:,}</td><td>{then.no_felony:,}</td></tr>"
            f"<tr><td>People with no conviction left</td><td>{now.no_conviction:,}</td>"
            f"<td>{then.no_conviction:,}</td></tr></table>Nothing was written.")

    def _filter(self, only: bool) -> None:
        self.proxy.only_decided = only
        self.proxy.invalidate()

    def save_csv(self, path: str | None = None) -> None:
        if self.result is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save the what-if list", "whatif.csv", "CSV (*.csv)")
        if not path:
            return
        write_csv(self.result, path)  # the same file `reviewer whatif --csv` writes
        self.summary.setText(self.summary.text() + f"<br>Saved {len(self.result.changes):,} rows to {path}.")

    def save_policy(self) -> None:
        try:
            policy = self.chosen_policy()
        except ValueError as exc:
            self.summary.setText(str(exc))
            return
        if policy is None:
            self.summary.setText("The statute alone needs no policy: nothing to save.")
            return
        saved = save_office_policy(self.db, policy.document, self.user.name)
        path = write_office_policy_file(saved, self.policy_folder)
        self.summary.setText(f"Saved as the office's policy: {saved.name}, version {saved.version} ({path}). "
                             "Adopt it with File → New review or Re-evaluate.")

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.jobs.busy:
            self.jobs.cancel()
            self.jobs.wait(30000)
        super().closeEvent(event)


def open_what_if(window) -> None:
    """View → What-if, on the window's database, as of the current run's date."""
    from reviewer.ui.guided_run import policy_folder

    def make():
        view = WhatIfView(window.service.db, window.user, policy_folder())
        run = window.service.latest_run()
        if run is not None and run.as_of is not None:
            view.set_as_of(run.as_of)
        return view

    window._open_tool("whatif", "What-if", make)
