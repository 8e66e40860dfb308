"""First run: no database yet. Offer the demo database, or importing a DOJ file into a new one."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from reviewer.services.demo import DEMO_ROWS, build_demo_database
from reviewer.ui.workers import JobRunner

IMPORT_FILTER = "DOJ research files (*.csv *.dat *.txt);;All files (*)"


class FirstRunDialog(QDialog):
    """After exec(): `choice` is "demo" (with `database` built) or "import" (with `files`), or None."""

    def __init__(self, demo_path: Path, demo_rows: int = DEMO_ROWS, build_now: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Reviewer")
        self.setMinimumWidth(560)
        self.demo_path = demo_path
        self.demo_rows = demo_rows
        self.choice: str | None = None
        self.database: Path | None = None
        self.files: list[str] = []
        self.jobs = JobRunner(self)

        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "<p style='font-size:13pt'><b>There is no case database on this computer yet.</b></p>"
            "<p>Try Reviewer on the <b>demo database</b>: about "
            f"{demo_rows:,} rows of fabricated DOJ records for Los Angeles County, evaluated under the county's "
            "2019 pilot policy. No real person is in it.</p>"
            "<p>Or <b>start the review</b> with your office's DOJ research files: Reviewer takes you through the "
            "county, your office's policy options and the first run, then shows what it would mean for people.</p>")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.status = QLabel()
        self.status.setObjectName("firstRunStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setAccessibleName("Progress of building the demo database")
        self.progress.hide()
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        self.demo_button = QPushButton("Open the &demo database")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setAccessibleName("Open the demo database")
        self.demo_button.setDefault(True)
        self.import_button = QPushButton("&Start a review with your DOJ files…")
        self.import_button.setObjectName("importButton")
        self.import_button.setAccessibleName("Import a DOJ research file")
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setObjectName("quitButton")
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout.addLayout(buttons)

        self.demo_button.clicked.connect(self.open_demo)
        self.import_button.clicked.connect(self.choose_import)
        self.quit_button.clicked.connect(self._quit)
        self.jobs.progress.connect(self._progress)
        self.jobs.finished.connect(self._built)
        self.jobs.failed.connect(self._failed)
        self.jobs.cancelled.connect(lambda _title: self.reject())
        if build_now:
            self.intro.setText("<p style='font-size:13pt'><b>Building the demo database…</b></p>"
                               "<p>Fabricated DOJ records for Los Angeles County; this takes a few seconds.</p>")
            self.import_button.hide()
            self.demo_button.hide()
            self.open_demo()

    def open_demo(self) -> None:
        if self.demo_path.exists():
            self._built("", self.demo_path)
            return
        for button in (self.demo_button, self.import_button):
            button.setEnabled(False)
        self.quit_button.setText("Cancel")
        self.progress.setRange(0, 100)
        self.progress.show()
        self.status.setText("Building the demo database…")
        path, rows = self.demo_path, self.demo_rows
        self.jobs.start("Demo database", "", lambda _db, job: build_demo_database(path, rows, job))

    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import DOJ research files", "", IMPORT_FILTER)
        if files:
            self.choice, self.files = "import", files
            self.accept()

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if what:
            self.status.setText(what + "…")

    def _built(self, _title: str, result) -> None:
        self.choice = "demo"
        self.database = getattr(result, "path", result)
        self.accept()

    def _failed(self, _title: str, message: str) -> None:
        self.status.setText(f"The demo database could not be built: {message}")
        self.progress.hide()
        for button in (self.demo_button, self.import_button):
            button.setEnabled(True)
            button.show()
        self.quit_button.setText("&Quit")

    def _quit(self) -> None:
        if self.jobs.busy:
            self.jobs.cancel()  # the scratch file is removed; nothing is left behind
            self.quit_button.setEnabled(False)
        else:
            self.reject()

    def done(self, result: int) -> None:  # noqa: D102 - never leave a worker running behind a closed dialog
        if self.jobs.busy:
            self.jobs.cancel()
            self.jobs.wait(30000)
        super().done(result)
