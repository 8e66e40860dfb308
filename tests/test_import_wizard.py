"""The import wizard: choose a file, map columns with a preview, validate, import in a worker with Cancel."""
from __future__ import annotations

import json
import time

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from reviewer.services import generic_import as gi
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.ui import import_wizard as wiz_module
from reviewer.ui.import_wizard import NOT_MAPPED, ImportWizard
from tests.test_generic_import import CSV_HEADER, CSV_MAPPING, CSV_ROWS, XLSX_HEADER, XLSX_MAPPING, write_csv, write_xlsx

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def convictions(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Conviction))


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "w.db")
    yield database
    database.dispose()


@pytest.fixture
def wizard(qtbot, db):
    w = ImportWizard(db, "clerk")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _to_validation(qtbot, w):
    w.next()
    assert w.currentId() == ImportWizard.PAGE_VALIDATE
    qtbot.waitUntil(lambda: w.validate_page.isComplete() or bool(w.validate_page.error.text()), timeout=20000)


def test_csv_is_mapped_with_a_preview_validated_and_imported(qtbot, wizard, db, tmp_path):
    w = wizard
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
    w.file_page.path_edit.setText(str(write_csv(tmp_path / "cases.csv")))
    assert w.button(QWizard.WizardButton.NextButton).isEnabled()
    w.next()
    assert w.currentId() == ImportWizard.PAGE_MAPPING
    page = w.mapping_page
    assert page.preview.columnCount() == len(CSV_HEADER) and page.preview.rowCount() == len(CSV_ROWS)
    assert page.preview.horizontalHeaderItem(5).text() == "Charge"
    assert page.preview.item(0, 5).text() == "11359 HS-POSSESS FOR SALE"
    assert page.combos["offense"].currentText() == "Charge"  # guessed from the header
    assert page.combos["person_id"].currentText() == "Defendant ID"
    assert not page.isComplete() and "County" in page.error.text()  # no county column, none given
    page.county_edit.setText("Sacramento")
    page.source_edit.setText("County DA case system")
    assert page.isComplete() and page.error.text() == ""
    _to_validation(qtbot, w)
    assert "7 rows, 4 persons, 5 convictions (5 HS 11357-11360), 3 flagged rows" in w.validate_page.summary.text()
    assert "Disp Date: '13/45/2014' is not a date" in w.validate_page.problems.toPlainText()
    assert convictions(db) == 0  # validating writes nothing
    with qtbot.waitSignal(w.imported, timeout=20000) as signal:
        w.next()
    report = signal.args[0]
    assert report.imported and report.convictions == 5 and convictions(db) == 5
    qtbot.waitUntil(lambda: w.button(QWizard.WizardButton.FinishButton).isEnabled(), timeout=5000)
    assert "5 convictions" in w.import_page.label.text()
    assert [mp.source for mp in gi.list_mappings(db)] == ["County DA case system"]  # saved for next time


def test_doj_file_skips_the_mapping(qtbot, wizard, db, gogen_dir):
    w = wizard
    w.file_page.path_edit.setText(str(gogen_dir / "no_headers.csv"))
    _to_validation(qtbot, w)
    assert "38 rows, 11 persons, 28 convictions" in w.validate_page.summary.text()
    with qtbot.waitSignal(w.imported, timeout=20000):
        w.next()
    assert convictions(db) == 28


def test_missing_required_column_blocks_next(qtbot, wizard, tmp_path):
    w = wizard
    w.file_page.path_edit.setText(str(write_csv(tmp_path / "cases.csv")))
    w.next()
    page = w.mapping_page
    page.county_edit.setText("Sacramento")
    assert page.isComplete()
    page.combos["offense"].setCurrentIndex(page.combos["offense"].findText(NOT_MAPPED))
    assert not page.isComplete()
    assert "Charge / code section" in page.error.text()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()


def test_saved_mapping_is_reused_for_an_xlsx(qtbot, db, tmp_path):
    gi.save_mapping(db, gi.mapping_from_dict(XLSX_MAPPING))
    w = ImportWizard(db, "clerk")
    qtbot.addWidget(w)
    w.show()
    w.file_page.path_edit.setText(str(write_xlsx(tmp_path / "court.xlsx")))
    w.file_page.mapping_combo.setCurrentIndex(w.file_page.mapping_combo.findText("Superior Court CMS"))
    w.next()
    page = w.mapping_page
    assert page.sheet_combo.isEnabled() and page.sheet_combo.currentText() == "Cases"
    assert page.preview.columnCount() == len(XLSX_HEADER)
    assert {k: page.combos[k].currentText() for k in XLSX_MAPPING["columns"]} == XLSX_MAPPING["columns"]
    assert page.isComplete()
    assert page.save_to_file(str(tmp_path / "saved.json"))
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved["levels"] == {"FEL.": "F", "MISD.": "M"} and saved["columns"] == XLSX_MAPPING["columns"]
    _to_validation(qtbot, w)
    with qtbot.waitSignal(w.imported, timeout=20000):
        w.next()
    assert convictions(db) == 4
    w.close()


def test_mapping_file_can_be_loaded(qtbot, wizard, tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(CSV_MAPPING), encoding="utf-8")
    assert wizard.file_page.load_mapping_file(str(path))
    assert wizard.file_page.mapping_combo.currentText() == "County DA case system"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not wizard.file_page.load_mapping_file(str(bad))
    assert "not valid JSON" in wizard.file_page.error.text()


def test_rejected_file_is_reported_at_validation(qtbot, wizard, db, tmp_path):
    w = wizard
    w.file_page.path_edit.setText(str(write_csv(tmp_path / "ragged.csv", [CSV_ROWS[0], ["D-9", "ONLY", "THREE"]])))
    w.next()
    w.mapping_page.county_edit.setText("Sacramento")
    _to_validation(qtbot, w)
    assert "line 3: 3 fields, the header has 12" in w.validate_page.error.text()
    assert not w.validate_page.isComplete()
    assert convictions(db) == 0


def test_cancel_during_import_leaves_nothing(qtbot, wizard, db, tmp_path, monkeypatch):
    started = []

    def slow_import(db_, job, path, mapping, user):
        started.append(True)
        for _ in range(400):
            job.check()
            time.sleep(0.01)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(wiz_module, "_import", slow_import)
    w = wizard
    w.file_page.path_edit.setText(str(write_csv(tmp_path / "cases.csv")))
    w.next()
    w.mapping_page.county_edit.setText("Sacramento")
    _to_validation(qtbot, w)
    w.next()
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    with qtbot.waitSignal(w.rejected, timeout=10000):
        w.reject()  # the wizard's Cancel: stops the job first, then closes
    assert "Cancelled" in w.import_page.label.text()
    assert convictions(db) == 0
