"""The guided run (first run, and File → New review): DOJ files → county → policy options → run → impact → queue.

Each step that writes (the import, the evaluation) runs on a worker with progress and Cancel; Cancel
(the button or Esc) stops it and its transaction is rolled back. The options step saves the office's
policy (versioned) and writes it to a file; the engine reads that file back for the run, and the run
stores the document it used.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QProgressBar,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from reviewer.domain.people import User
from reviewer.services.counties import counties_present
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.policy_files import load_office_policy, save_office_policy, write_office_policy_file
from reviewer.services.queue import import_files
from reviewer.services.summary import summary_figures
from reviewer.ui.policy_options import PolicyOptions
from reviewer.ui.workers import JobRunner

IMPORT_FILTER = "DOJ research files (*.csv *.dat *.txt);;All files (*)"
IMPORTING, EVALUATING = "Import", "Evaluation"


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FilesPage(QWizardPage):
    def __init__(self, wizard: "GuidedRun", files: list[str]) -> None:
        super().__init__()
        self.run = wizard
        self.setTitle("1. Your DOJ files")
        self.setSubTitle("Choose the DOJ research files (.dat, .csv) for the review. Files already imported are "
                         "recognised and not added twice.")
        layout = QVBoxLayout(self)
        line = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("filePath")
        self.path.setAccessibleName("Path of a DOJ file to add")
        self.path.setPlaceholderText("Type or paste a file's path and press Enter, or Browse…")
        self.add_button = QPushButton("&Add")
        self.add_button.setObjectName("addFileButton")
        self.add_button.setAutoDefault(False)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setAutoDefault(False)
        line.addWidget(self.path, 1)
        line.addWidget(self.add_button)
        line.addWidget(self.browse_button)
        layout.addLayout(line)
        self.files = QListWidget()
        self.files.setObjectName("fileList")
        self.files.setAccessibleName("Files to import")
        layout.addWidget(self.files, 1)
        self.remove_button = QPushButton("&Remove the selected file")
        self.remove_button.setObjectName("removeFileButton")
        self.remove_button.setAutoDefault(False)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = _title("")
        self.status.setObjectName("filesStatus")
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.add_button.clicked.connect(self._add_typed)
        self.path.installEventFilter(self)  # Enter adds the typed file (and does not press Next as well)
        self.browse_button.clicked.connect(self._browse)
        self.remove_button.clicked.connect(self._remove)
        for f in files:
            self.add(f)
        self._imported = False

    def initializePage(self) -> None:  # noqa: N802
        present = counties_present(self.run.db)
        held = sum(c.convictions for c in present)
        self._held = held
        self._say_files()

    def _say_files(self) -> None:
        n = len(self.paths())
        held = getattr(self, "_held", 0)
        listed = f"{n} file{'s' if n != 1 else ''} to import: Next imports {'them' if n != 1 else 'it'}. " if n else ""
        if held:
            self.status.setText(f"{listed}The database already holds {held:,} cannabis convictions: "
                                f"{'add more files, or ' if not n else ''}go on with Next.")
        else:
            self.status.setText(listed or "The database is empty: add at least one DOJ file.")

    def add(self, path: str) -> bool:
        path = path.strip().strip('"')
        if not path:
            return False
        if not Path(path).is_file():
            self.status.setText(f"No file at {path}.")
            return False
        if path not in self.paths():
            self.files.addItem(path)
        self._imported = False
        self._say_files()
        self.completeChanged.emit()
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if (watched is self.path and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.path.text().strip()):
            self._add_typed()
            return True
        return super().eventFilter(watched, event)

    def _add_typed(self) -> None:
        if self.add(self.path.text()):
            self.path.clear()

    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "DOJ research files", "", IMPORT_FILTER)
        for p in paths:
            self.add(p)

    def _remove(self) -> None:
        self.files.takeItem(self.files.currentRow())
        self._say_files()
        self.completeChanged.emit()

    def paths(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]

    def isComplete(self) -> bool:  # noqa: N802
        return not self.run.jobs.busy and (bool(self.paths()) or getattr(self, "_held", 0) > 0)

    def validatePage(self) -> bool:  # noqa: N802 - the import runs first; Next moves on when it is done
        if self._imported or not self.paths():
            return True
        paths, user = self.paths(), self.run.user.name
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Importing… (Cancel or Esc stops it; nothing is kept from a stopped import)")
        self.run.jobs.start(IMPORTING, self.run.url, lambda db, job: import_files(db, paths, user, job))
        self.completeChanged.emit()
        return False

    def imported(self, reports) -> None:
        self.progress.hide()
        self._imported = True
        self.run.import_summary = " ".join(r.summary() for r in reports)
        self.status.setText(self.run.import_summary)
        self.completeChanged.emit()
        self.run.next()

    def stopped(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(message)
        self.completeChanged.emit()


class CountyPage(QWizardPage):
    def __init__(self, wizard: "GuidedRun") -> None:
        super().__init__()
        self.run = wizard
        self.setTitle("2. Your county")
        self.setSubTitle("The counties the files hold cannabis convictions in (HS 11357–11360). Choose your "
                         "office's county: its convictions are evaluated; the records of every county count as priors.")
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("countyTable")
        self.table.setAccessibleName("Counties present in the data")
        self.table.setHorizontalHeaderLabels(["County", "Cannabis convictions", "Of them felonies", "Persons"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.imported = _title("")
        self.imported.setObjectName("importSummary")
        self.imported.setStyleSheet("color: #1d3b5c;")
        layout.addWidget(self.imported)
        layout.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self.completeChanged)

    def initializePage(self) -> None:  # noqa: N802
        self.imported.setText(f"Imported: {self.run.import_summary}" if self.run.import_summary else "")
        self.imported.setVisible(bool(self.run.import_summary))
        counties = counties_present(self.run.db)
        self.table.setRowCount(len(counties))
        for row, c in enumerate(counties):
            for col, value in enumerate((c.county.title(), f"{c.convictions:,}", f"{c.felonies:,}", f"{c.persons:,}")):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, c.county)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if counties:
            self.table.selectRow(0)  # most convictions first: most often the office's own county
        self.table.setFocus()

    def county(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else ""

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.county())


class OptionsPage(QWizardPage):
    def __init__(self, wizard: "GuidedRun", today: date) -> None:
        super().__init__()
        self.run = wizard
        self.setTitle("3. Policy options")
        self.setSubTitle("What your office does on top of the statute. The choice is saved as your office's policy "
                         "(a new version when it changes) and stored with the evaluation.")
        layout = QVBoxLayout(self)
        self.options = PolicyOptions(load_office_policy(wizard.db), today)
        layout.addWidget(self.options)
        self.options.changed.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802
        return self.options.valid

    def validatePage(self) -> bool:  # noqa: N802
        document = self.options.document()
        if document is None:
            self.run.policy_path = None
            return True
        policy = save_office_policy(self.run.db, document, self.run.user.name)
        self.run.policy_path = write_office_policy_file(policy, self.run.policy_folder)
        return True


class RunPage(QWizardPage):
    def __init__(self, wizard: "GuidedRun") -> None:
        super().__init__()
        self.run = wizard
        self.setTitle("4. Run and impact")
        self.setSubTitle("Every HS 11357–11360 conviction of the county is evaluated; decisions already made stay as "
                         "they are. Cancel stops the run and keeps nothing from it.")
        layout = QVBoxLayout(self)
        self.status = _title("")
        self.status.setObjectName("runStatus")
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setAccessibleName("Progress of the evaluation")
        layout.addWidget(self.progress)
        line = QHBoxLayout()
        self.cancel_button = QPushButton("&Cancel the run")
        self.cancel_button.setObjectName("cancelRunButton")
        self.cancel_button.setAutoDefault(False)
        self.again_button = QPushButton("&Run again")
        self.again_button.setObjectName("runAgainButton")
        self.again_button.setAutoDefault(False)
        line.addWidget(self.cancel_button)
        line.addWidget(self.again_button)
        line.addStretch(1)
        layout.addLayout(line)
        self.impact = QLabel()
        self.impact.setObjectName("impactFigures")
        self.impact.setTextFormat(Qt.TextFormat.RichText)
        self.impact.setWordWrap(True)
        layout.addWidget(self.impact)
        layout.addStretch(1)
        self.cancel_button.clicked.connect(self.run.cancel_job)
        self.again_button.clicked.connect(self.start)
        self.report = None
        self.figures = None

    def initializePage(self) -> None:  # noqa: N802
        self.start()

    def start(self) -> None:
        run = self.run
        county, as_of, path, user = run.county(), run.as_of(), run.policy_path, run.user.name
        self.report = self.figures = None
        self.impact.setText("")
        self.again_button.hide()
        self.cancel_button.show()
        self.progress.setRange(0, 0)
        what = f"the policy in {path.name}" if path else "the statute alone"
        self.status.setText(f"Evaluating the HS 11357–11360 convictions of {county.title()} as of {as_of} under "
                            f"{what}…")

        def work(db, job):
            report = evaluate(db, county, as_of, resolve_policy(path), user=user, job=job)
            return report, summary_figures(db)

        run.jobs.start(EVALUATING, run.url, work)
        self.completeChanged.emit()

    def progressed(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if what:
            self.progress.setFormat(f"{what}: {done:,}")

    def finished(self, result) -> None:
        self.report, self.figures = result
        r, f = self.report, self.figures
        self.run.button(QWizard.WizardButton.CancelButton).setText("Close")
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel_button.hide()
        self.status.setText(f"Done: {r.evaluated:,} convictions of {r.county.title()} evaluated as of {r.as_of} "
                            f"under {r.policy}.")
        p = f.projected
        self.impact.setText(
            f"<p style='font-size:13pt'>Of the {f.persons:,} people whose records were evaluated, if the "
            "suggestions are accepted:</p>"
            f"<p style='font-size:15pt'><b>{p.no_felony:,}</b> people will have no felony left on their record;<br>"
            f"<b>{p.no_conviction:,}</b> people will have no conviction at all.</p>"
            f"<p>{r.flagged:,} flagged felonies enter the review queue "
            f"({f.attention_pending:,} that need attention first). <b>Open the queue</b> (Enter) to review them.</p>")
        self.completeChanged.emit()

    def stopped(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.cancel_button.hide()
        self.again_button.show()
        self.status.setText(message)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.report is not None


class GuidedRun(QWizard):
    """`db` is the database the review uses (services' Database); `policy_folder` receives the policy files."""

    def __init__(self, db, user: User, policy_folder: str | Path, files: list[str] | None = None,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user, self.policy_folder = db, user, Path(policy_folder)
        self.url = db.url
        self.policy_path: Path | None = None
        self.import_summary = ""
        self.setWindowTitle("New review")
        self.setObjectName("guidedRun")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Open the &queue")
        self.jobs = JobRunner(self)
        self.files_page = FilesPage(self, files or [])
        self.county_page = CountyPage(self)
        self.options_page = OptionsPage(self, today or date.today())
        self.run_page = RunPage(self)
        for page in (self.files_page, self.county_page, self.options_page, self.run_page):
            self.addPage(page)
        self.jobs.progress.connect(self._progress)
        self.jobs.finished.connect(self._finished)
        self.jobs.failed.connect(lambda title, message: self._stopped(title, f"{title} did not finish: {message}"))
        self.jobs.cancelled.connect(
            lambda title: self._stopped(title, f"{title} cancelled; the database is as it was before."))
        self.jobs.busy_changed.connect(self._busy)
        self.resize(900, 640)

    def county(self) -> str:
        return self.county_page.county()

    def as_of(self) -> date:
        return self.options_page.options.as_of_date()

    def cancel_job(self) -> None:
        self.jobs.cancel()

    def _busy(self, busy: bool) -> None:
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy and self.currentId() != self.startId())
        self.currentPage().completeChanged.emit()  # Next and Finish follow the page's isComplete
        done = self.currentPage() is self.run_page and self.run_page.report is not None
        self.button(QWizard.WizardButton.CancelButton).setText("Close" if done and not busy else "Cancel")

    def _progress(self, done: int, total: int, what: str) -> None:
        page = self.currentPage()
        if page is self.run_page:
            self.run_page.progressed(done, total, what)
        elif page is self.files_page:
            self.files_page.progress.setRange(0, max(total, 0))
            self.files_page.progress.setValue(done)

    def _finished(self, title: str, result) -> None:
        if title == IMPORTING:
            self.files_page.imported(result)
        else:
            self.run_page.finished(result)

    def _stopped(self, title: str, message: str) -> None:
        (self.files_page if title == IMPORTING else self.run_page).stopped(message)

    def reject(self) -> None:  # noqa: D102 - Cancel or Esc while a job runs stops the job, not the wizard
        if self.jobs.busy:
            self.jobs.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:  # noqa: D102 - never leave a worker behind a closed wizard
        if self.jobs.busy:
            self.jobs.cancel()
            self.jobs.wait(30000)
        super().done(result)


def policy_folder() -> Path:
    """Where the office's policy files are written: beside the database in the user's data folder."""
    from reviewer.ui.settings import data_folder

    return data_folder() / "policies"


def open_new_review(window) -> None:
    """File → New review: the guided run on the window's database; the queue reloads after it."""
    if window.jobs.busy:
        window.message.show_text(f"A new review waits while “{window.jobs.title}” runs.", "warning")
        return
    wizard = GuidedRun(window.service.db, window.user, policy_folder(), parent=window)
    wizard.exec()
    report = wizard.run_page.report
    if report is not None:
        window.reload_queue()
        window.refresh_dashboard()
        window.message.show_text(report.summary(), "info", sticky=True)
