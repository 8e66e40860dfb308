"""The clerk's print center: decided court cases not yet printed, preview, batch print, filings.

A self-contained widget, `PrintCenter(db, user)`. Batches run on a worker thread (the
services open their own sessions there) with a progress bar and Cancel; widgets are only
touched on the main thread, through queued signals.
"""
from __future__ import annotations

import logging
import traceback
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QProgressBar, QPushButton, QScrollArea, QSpinBox, QSplitter, QTableView, QTextBrowser, QToolButton,
    QVBoxLayout, QWidget,
)

from reviewer.domain.people import User
from reviewer.domain.vocabulary import SentenceStatus
from reviewer.services import cleanup, printing
from reviewer.services.jobs import Job
from reviewer.services.office import OfficeError, load_office
from reviewer.ui.pdf_pages import page_count, page_image, print_pdf

log = logging.getLogger(__name__)
SCOPES = (("Decided, not printed", "not-printed"), ("All decided", "all-decided"), ("Printed", "printed"),
          ("All cases", "all"))
DOC_LABELS = {"motion-order": "Motion and order", "notice-of-challenge": "Notice of challenge"}
COLUMNS = ("Case No.", "Name", "Counts", "Documents", "Status", "Printed", "Filed")


class CaseTableModel(QAbstractTableModel):
    """Rows of `printing.CaseSummary` (a few thousand at most in one view)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[printing.CaseSummary] = []

    def set_rows(self, rows: list[printing.CaseSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and row.problems:
            return "\n".join(row.problems)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (0, 4) and row.problems:
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None

    @staticmethod
    def _text(row: printing.CaseSummary, column: int) -> str:
        if column == 0:
            return row.court_case or "⚠ none on DOJ record"
        if column == 1:
            return row.name
        if column == 2:
            return str(row.counts)
        if column == 3:
            return ", ".join(DOC_LABELS[d] for d in row.documents) or ("referral only" if row.decided else "")
        if column == 4:
            if not row.decided:
                return "Not decided"
            if row.held:
                return "Held: sentence unknown"
            return "Decided again since printed" if row.stale else ("Printed" if row.printed_at else "Ready")
        if column == 5:
            return f"{row.printed_at:%Y-%m-%d %H:%M} {row.printed_by}" if row.printed_at else ""
        return row.filed_on.isoformat() if row.filed_on else ""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)


class PrintWorker(QRunnable):
    """Runs one `print_batch` off the UI thread; the Job carries progress and Cancel."""

    def __init__(self, db, folder: Path, user: User, keys, job: Job, signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.db, self.folder, self.user, self.keys, self.job, self.signals = db, folder, user, keys, job, signals

    def run(self) -> None:
        try:
            report = printing.print_batch(self.db, self.folder, self.user, scope="all-decided", keys=self.keys,
                                          job=self.job)
        except (printing.PrintRefused, OfficeError, OSError) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a worker thread
            log.error("print failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
            self.signals.failed.emit(f"Printing stopped on an unexpected error ({type(exc).__name__}). "
                                     "Cases listed as printed have their complete PDF.")
        else:
            self.signals.finished.emit(report)


class PrintCenter(QWidget):
    """List decided cases, preview one, print a batch with progress and Cancel, open the folder, mark filed."""

    batch_finished = Signal(object)  # PrintReport (also when cancelled)
    batch_failed = Signal(str)

    def __init__(self, db, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.out_dir: Path | None = None
        self.last_report: printing.PrintReport | None = None
        self._job: Job | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._preview_dir = cleanup.preview_folder()  # private, owned by this process (swept if it is killed)
        cleanup.at_start(self.db)  # a batch killed since: marked interrupted, its cases listed to print again
        self._build()
        self.refresh()

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020;")
        self.scope = QComboBox()
        for label, value in SCOPES:
            self.scope.addItem(label, value)
        self.scope.currentIndexChanged.connect(self.refresh)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.count_label = QLabel()
        top = QHBoxLayout()
        for w in (QLabel("Show:"), self.scope, refresh, self.count_label):
            top.addWidget(w)
        top.addStretch(1)

        self.model = CaseTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.preview_text = QTextBrowser()
        self.preview_image = QLabel("Select a case and press Preview.")
        self.preview_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        self.preview_page = QSpinBox()
        self.preview_page.setPrefix("Page ")
        self.preview_page.setEnabled(False)
        self.preview_page.valueChanged.connect(self._draw_preview_page)
        side_layout.addWidget(self.preview_text, 1)
        side_layout.addWidget(self.preview_page)
        page = QScrollArea()  # the page picture scrolls: it never sets the window's minimum height (768-px screens)
        page.setObjectName("previewPage")
        page.setWidgetResizable(True)
        page.setWidget(self.preview_image)
        side_layout.addWidget(page, 3)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.preview_selected)
        self.open_preview_button = QPushButton("Open preview PDF")
        self.open_preview_button.setEnabled(False)
        self.open_preview_button.clicked.connect(lambda: self._open(self._preview_pdf))
        self.print_button = QPushButton("Print selected…")
        self.print_button.clicked.connect(self.choose_folder_and_print)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.print_action = QAction("Print…", self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.print_action.setToolTip("Send the previewed case (or the last batch's combined file) to a printer")
        self.print_action.triggered.connect(self.print_to_printer)
        self.addAction(self.print_action)
        self.send_button = QToolButton()
        self.send_button.setDefaultAction(self.print_action)
        self.case_number_button = QPushButton("Case number…")
        self.case_number_button.setToolTip("Enter the court case number of a case whose DOJ record has none")
        self.case_number_button.setEnabled(False)
        self.case_number_button.clicked.connect(self.enter_case_number)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(lambda: self._open(self.out_dir))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.filed_on = QDateEdit(QDate.currentDate())
        self.filed_on.setCalendarPopup(True)
        self.filed_on.setMaximumDate(QDate.currentDate())
        self.filed_button = QPushButton("Mark selected filed on")
        self.filed_button.clicked.connect(self.mark_selected_filed)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.serving_button = QPushButton("Sentence still served")
        self.completed_button = QPushButton("Sentence completed")
        self.serving_button.setToolTip("Attorneys: the record does not say; relief then cites HS 11361.8(b)")
        self.completed_button.setToolTip("Attorneys: the record does not say; relief then cites HS 11361.8(e)-(f)")
        self.serving_button.clicked.connect(lambda: self.answer_sentence(SentenceStatus.SERVING))
        self.completed_button.clicked.connect(lambda: self.answer_sentence(SentenceStatus.COMPLETED))
        for button in (self.serving_button, self.completed_button):
            button.setVisible(self.user.can_decide)
        actions = QHBoxLayout()
        for w in (self.preview_button, self.open_preview_button, self.send_button, self.print_button,
                  self.cancel_button, self.open_folder_button):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self.serving_button)
        actions.addWidget(self.completed_button)
        actions.addWidget(self.case_number_button)
        actions.addWidget(self.filed_button)
        actions.addWidget(self.filed_on)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._preview_pdf: Path | None = None

    # --- listing -----------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            office = load_office(self.db)
            self.warning.setText("The office details are the shipped EXAMPLE: set your office's before filing."
                                 if office.is_example else "")
        except OfficeError as exc:
            self.warning.setText(str(exc))
        rows = printing.list_cases(self.db, self.scope.currentData())
        self.model.set_rows(rows)
        no_number = sum(1 for r in rows if not r.court_case)
        held = sum(1 for r in rows if r.held)
        note = f"{len(rows)} court cases"
        if no_number:
            note += f"; {no_number} without a case number on the DOJ record"
        if held:
            note += f"; {held} held until an attorney says whether the sentence is still served"
        self.count_label.setText(note)
        self._selection_changed()

    def selected_keys(self) -> list[tuple[int, str]]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].key for r in rows]

    def select_all(self) -> None:
        self.table.selectAll()

    def _selection_changed(self, *_args) -> None:
        n = len(self.selected_keys())
        busy = self._job is not None
        self.print_button.setEnabled(n > 0 and not busy)
        self.print_button.setText(f"Print {n} selected…" if n else "Print selected…")
        self.preview_button.setEnabled(n == 1)
        self.filed_button.setEnabled(n > 0 and not busy)
        held = n == 1 and any(r.held for r in self.model.rows if r.key in self.selected_keys())
        self.case_number_button.setEnabled(
            n == 1 and not busy and any(not r.court_case for r in self.model.rows if r.key in self.selected_keys()))
        self.serving_button.setEnabled(held and not busy)
        self.completed_button.setEnabled(held and not busy)

    # --- preview -----------------------------------------------------------------------
    def preview_selected(self) -> Path | None:
        keys = self.selected_keys()
        if len(keys) != 1:
            return None
        row = next(r for r in self.model.rows if r.key == keys[0])
        target = self._preview_dir / f"preview-{keys[0][0]}-{keys[0][1]}.pdf"
        try:
            pages = printing.preview(self.db, keys[0], target)
        except (printing.PrintRefused, OfficeError) as exc:
            self.preview_text.setPlainText(str(exc))
            return None
        self._preview_pdf = target
        self.open_preview_button.setEnabled(True)
        lines = [f"<b>{row.court_case or 'No case number on the DOJ record'}</b> — {pages} pages",
                 ", ".join(DOC_LABELS[d] for d in row.documents)] + [f"⚠ {p}" for p in row.problems]
        self.preview_text.setHtml("<br>".join(lines))
        self._show_first_page(target)
        return target

    def _show_first_page(self, pdf: Path) -> None:
        """The preview's pages as pictures (pdfium: no external program on any system)."""
        try:
            pages = page_count(pdf)
        except Exception as exc:  # noqa: BLE001 - a preview that cannot be drawn must not stop the clerk
            log.warning("preview not drawn: %s", type(exc).__name__)
            self.preview_image.setText("Press “Open preview PDF” to see the pages.")
            return
        self.preview_page.blockSignals(True)
        self.preview_page.setRange(1, max(1, pages))
        self.preview_page.setValue(1)
        self.preview_page.setSuffix(f" of {pages}")
        self.preview_page.blockSignals(False)
        self.preview_page.setEnabled(pages > 1)
        self._draw_preview_page()

    def _draw_preview_page(self) -> None:
        if self._preview_pdf is None:
            return
        image = page_image(self._preview_pdf, self.preview_page.value() - 1, dpi=70)
        pixmap = QPixmap.fromImage(image)
        self.preview_image.setPixmap(pixmap.scaledToWidth(max(200, self.preview_image.width()),
                                                          Qt.TransformationMode.SmoothTransformation))

    # --- sending to a printer -----------------------------------------------------------
    def printable_file(self) -> Path | None:
        """What Print… sends: the case previewed, else the last batch's combined file."""
        if self._preview_pdf is not None and self._preview_pdf.exists():
            return self._preview_pdf
        if self.last_report is not None and self.last_report.combined and self.last_report.combined.exists():
            return self.last_report.combined
        return None

    def print_to_printer(self) -> int:
        """Qt's print dialog (printer, copies, page range), then the pages. Returns the pages sent."""
        pdf = self.printable_file()
        if pdf is None:
            self.status.setText("Preview a case or print a batch first: Print… sends that file to a printer.")
            return 0
        pages = page_count(pdf)
        dialog = QPrintDialog(self.printer, self)
        dialog.setWindowTitle(f"Print {pdf.name}")
        dialog.setMinMax(1, pages)
        dialog.setFromTo(1, pages)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return 0
        first, last = (self.printer.fromPage(), self.printer.toPage()) if self.printer.fromPage() else (1, pages)
        try:
            sent = print_pdf(pdf, self.printer, first, last)
        except OSError as exc:
            self.status.setText(f"Not printed: {exc}")
            return 0
        self.status.setText(f"Sent {sent} pages of {pdf.name} to {self.printer.printerName() or 'the printer'}.")
        return sent

    # --- printing ----------------------------------------------------------------------
    def choose_folder_and_print(self) -> None:
        start = str(self.out_dir or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Folder for the court papers", start)
        if folder:
            self.start_print(Path(folder))

    def start_print(self, folder: Path, keys: list[tuple[int, str]] | None = None) -> bool:
        """Print the given (or selected) cases into `folder` on the worker thread."""
        keys = self.selected_keys() if keys is None else keys
        if self._job is not None or not keys:
            return False
        self.out_dir = Path(folder)
        signals = _Signals(self)
        self._job = Job(on_progress=signals.progress.emit)
        signals.progress.connect(self._on_progress)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        self.progress.setRange(0, len(keys))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.open_folder_button.setEnabled(False)
        self.status.setText(f"Printing {len(keys)} court cases…")
        self._selection_changed()
        self._pool.start(PrintWorker(self.db, self.out_dir, self.user, keys, self._job, signals))
        return True

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling after the cases being written…")

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _end(self) -> None:
        self._job = None
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.open_folder_button.setEnabled(self.out_dir is not None)
        self.refresh()

    def _on_finished(self, report: printing.PrintReport) -> None:
        self.last_report = report
        self._end()
        self.status.setText(report.summary().replace("\n", "  ·  "))
        self.batch_finished.emit(report)

    def _on_failed(self, message: str) -> None:
        self._end()
        self.status.setText(message)
        self.batch_failed.emit(message)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    # --- held cases --------------------------------------------------------------------
    def answer_sentence(self, status: SentenceStatus) -> int:
        """An attorney says whether the selected held case's sentence is still served."""
        keys = self.selected_keys()
        if len(keys) != 1:
            return 0
        try:
            n = printing.answer_sentence(self.db, keys[0], status, self.user)
        except printing.PrintRefused as exc:
            self.status.setText(str(exc))
            return 0
        self.status.setText(f"Recorded: sentence {status.value.lower()} for {n} counts; the case can be printed.")
        self.refresh()
        return n

    # --- filing ------------------------------------------------------------------------
    def enter_case_number(self) -> str:
        """Ask for the court case number of the selected case (its DOJ record has none) and record it."""
        keys = self.selected_keys()
        if len(keys) != 1:
            return ""
        number, ok = QInputDialog.getText(self, "Court case number",
                                          "The court's case number for this case (as on its docket):")
        if not ok:
            return ""
        try:
            recorded = printing.enter_case_number(self.db, keys[0], number, self.user)
        except printing.PrintRefused as exc:
            self.status.setText(str(exc))
            return ""
        self.refresh()
        self.status.setText(f"Recorded case number {recorded}; print the case again so that its papers carry it.")
        return recorded

    def mark_selected_filed(self, on: date | None = None) -> int:
        keys = self.selected_keys()
        if not keys:
            return 0
        day = on or self.filed_on.date().toPython()
        try:
            n = printing.mark_filed(self.db, keys, day, self.user)
        except printing.PrintRefused as exc:
            self.status.setText(str(exc))
            return 0
        self.status.setText(f"Recorded {n} court cases as filed on {day.isoformat()}.")
        self.refresh()
        return n

    def _open(self, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.cancel()
        self.wait(30000)
        cleanup.remove_folder(self._preview_dir)
        super().closeEvent(event)
