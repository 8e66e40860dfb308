"""The print center widget (offscreen): list, preview, batch with progress and Cancel, filings."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.modeltest import ModelTester
from sqlalchemy import func, select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role, SentenceStatus
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.ui.print_center import PrintCenter
from tests.printing_fixtures import gogen_template, synthetic_template  # noqa: F401 - fixtures

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
CLERK = User("C. Clerk", Role.CLERK)


@pytest.fixture
def center(qtbot, gogen_template, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(gogen_template, path)
    db = Database(path)
    widget = PrintCenter(db, CLERK)
    qtbot.addWidget(widget)
    yield widget
    widget.close()
    db.dispose()


def test_lists_decided_cases_and_flags_missing_numbers(center, qtbot):
    ModelTester(None).check(center.model)
    assert center.model.rowCount() == 9
    assert "without a case number" in center.count_label.text()
    texts = [center.model.index(r, 0).data() for r in range(9)]
    assert "⚠ none on DOJ record" in texts
    assert center.warning.text() == ""  # the test office is not the example


def test_preview_renders_the_selected_case(center, qtbot):
    center.table.selectRow(0)
    pdf = center.preview_selected()
    assert pdf is not None and pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert "pages" in center.preview_text.toPlainText()
    assert center.open_preview_button.isEnabled()
    with center.db.session() as s:  # a preview records nothing
        assert s.scalar(select(func.count()).select_from(m.PrintedCase)) == 0


def test_batch_prints_with_progress_then_marks_filed(center, qtbot, tmp_path):
    center.select_all()
    seen = []
    center._on_progress = (lambda f: lambda d, t, w: (seen.append(d), f(d, t, w)))(center._on_progress)
    with qtbot.waitSignal(center.batch_finished, timeout=60000) as blocker:
        assert center.start_print(tmp_path / "out")
        assert not center.print_button.isEnabled() and center.cancel_button.isEnabled()
    report = blocker.args[0]
    assert report.printed == 9 and not report.cancelled
    assert len(list((tmp_path / "out" / "cases").glob("*.pdf"))) == 9
    assert center.open_folder_button.isEnabled() and "9 court cases" in center.status.text()
    assert center.model.rowCount() == 0  # nothing left to print
    center.scope.setCurrentIndex(2)  # printed
    assert center.model.rowCount() == 9
    assert all(center.model.index(r, 5).data().endswith("C. Clerk") for r in range(9))
    center.table.selectRow(0)
    assert center.mark_selected_filed(date(2020, 3, 4)) == 1
    assert "2020-03-04" in [center.model.index(r, 6).data() for r in range(9)]


def test_cancel_stops_the_batch(qtbot, synthetic_template, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(synthetic_template, path)
    db = Database(path)
    center = PrintCenter(db, CLERK)
    qtbot.addWidget(center)
    center.select_all()
    keys = center.selected_keys()
    with qtbot.waitSignal(center.batch_finished, timeout=120000) as blocker:
        center.start_print(tmp_path / "out")
        qtbot.waitUntil(lambda: center.progress.value() >= 50, timeout=60000)
        center.cancel()
    report = blocker.args[0]
    assert report.cancelled and 0 < report.printed < len(keys)
    with db.session() as s:
        rows = list(s.scalars(select(m.PrintedCase)))
    assert len(rows) == report.printed and all(Path(r.file_path).exists() for r in rows)
    center.close()
    db.dispose()


def test_an_attorney_answers_a_held_case(qtbot, synthetic_template, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(synthetic_template, path)
    db = Database(path)
    center = PrintCenter(db, User("A. Deputy", Role.ATTORNEY, "123456"))
    qtbot.addWidget(center)
    row = next(i for i, r in enumerate(center.model.rows) if r.held)
    key = center.model.rows[row].key
    center.table.selectRow(row)
    assert center.serving_button.isEnabled() and center.completed_button.isEnabled()
    assert center.answer_sentence(SentenceStatus.COMPLETED) >= 1
    assert not next(r for r in center.model.rows if r.key == key).held
    center.close()
    db.dispose()


def test_clerks_do_not_see_the_sentence_buttons(center):
    assert center.serving_button.isHidden() and center.completed_button.isHidden()


def test_preview_draws_pages_without_any_external_program(center, qtbot, monkeypatch):
    """pdfium (the pypdfium2 wheel) draws the pages: no pdftoppm needed, as on Windows and macOS."""
    monkeypatch.setenv("PATH", "")
    center.table.selectRow(0)
    center.table.setFocus()
    qtbot.mouseClick(center.preview_button, Qt.MouseButton.LeftButton)
    pixmap = center.preview_image.pixmap()
    assert pixmap is not None and not pixmap.isNull() and pixmap.width() >= 200
    pages = len(pypdf.PdfReader(str(center._preview_pdf)).pages)
    assert center.preview_page.suffix() == f" of {pages}" and center.preview_page.maximum() == pages
    first = pixmap.toImage()
    center.preview_page.setFocus()
    qtbot.keyClick(center.preview_page, Qt.Key.Key_Up)  # the next page, drawn in place
    assert center.preview_page.value() == 2
    assert center.preview_image.pixmap().toImage() != first


def test_print_sends_the_previewed_case_to_the_printer_chosen_in_the_dialog(center, qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QApplication

    center.table.selectRow(0)
    qtbot.mouseClick(center.preview_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "printer.pdf"
    center.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that writes a file
    center.printer.setOutputFileName(str(out))
    seen = []

    def accept_dialog():
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog).__name__)
        if isinstance(dialog, QPrintDialog):
            dialog.accept()

    QTimer.singleShot(200, accept_dialog)
    _active(center, qtbot)
    qtbot.keyClick(center.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Print… (Ctrl+P)
    assert seen == ["QPrintDialog"]
    printed = pypdf.PdfReader(str(out))
    assert len(printed.pages) == len(pypdf.PdfReader(str(center._preview_pdf)).pages)
    assert "Sent" in center.status.text()


def _active(center, qtbot) -> None:
    """Shortcuts reach a shown, active window (as the clerk's is)."""
    center.show()
    with qtbot.waitActive(center):
        center.activateWindow()
    center.table.setFocus()


def test_print_without_a_file_says_what_to_do(center, qtbot):
    _active(center, qtbot)
    qtbot.keyClick(center.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "Preview a case or print a batch first" in center.status.text()


def test_a_clerk_enters_a_missing_case_number(center, qtbot):
    from PySide6.QtWidgets import QApplication, QInputDialog

    row = next(i for i, r in enumerate(center.model.rows) if not r.court_case)
    center.table.selectRow(row)
    key = center.model.rows[row].key
    assert center.case_number_button.isEnabled()

    def type_number():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("SJ-2019-004521")
        dialog.accept()

    QTimer.singleShot(200, type_number)
    qtbot.mouseClick(center.case_number_button, Qt.MouseButton.LeftButton)
    assert "Recorded case number SJ-2019-004521" in center.status.text()
    assert next(r for r in center.model.rows if r.key == key).court_case == "SJ-2019-004521"
