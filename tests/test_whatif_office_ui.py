"""What-if view, office settings and the File menu's exports, driven through their actions, buttons and keys."""
from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.services.office import load_office
from reviewer.services.policy_files import load_office_policy
from reviewer.services.queue import open_database
from reviewer.services.whatif import what_if
from reviewer.store import models as m
from tests.qt_helpers import private_folders, when_dialog_opens  # noqa: F401 (private_folders: a fixture)

pytestmark = [pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)"),
              pytest.mark.usefixtures("private_folders")]
ADA = User("Ada Attorney", Role.ATTORNEY, "123456")
AS_OF = date(2024, 1, 1)




@pytest.fixture
def evaluated(tmp_path):
    """Imported, evaluated under the statute alone, the redesignations accepted."""
    source = tmp_path / "doj.dat"
    write_demo_file(source, rows=1500, county="LOS ANGELES", seed=11)
    path = tmp_path / "office.db"
    db = open_database(str(path))
    import_file(db, source, user="test")
    evaluate(db, "LOS ANGELES", AS_OF, None, user="test")
    deciding.accept_many(db, deciding.pending_ids(db, suggestion="REDESIGNATE_MISDEMEANOR"), ADA)
    db.dispose()
    return path


def _window(qtbot, path):
    from reviewer.ui import open_main_window
    from reviewer.ui.settings import Settings

    window = open_main_window(path, ADA.name, "attorney", bar_number=ADA.bar_number, settings=Settings())
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def _counts(db) -> tuple:
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                     for t in (m.Evaluation, m.EvaluationRun, m.Decision, m.AuditEntry)) + tuple(
            conn.execute(select(m.Review.conviction_id, m.Review.outcome).order_by(m.Review.conviction_id)).all())


def test_whatif_view_lists_the_changes_side_by_side_and_writes_nothing(qtbot, evaluated, tmp_path, monkeypatch):
    window = _window(qtbot, evaluated)
    db = window.service.db
    before = _counts(db)
    qtbot.keyClick(window.table, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window._tools["whatif"]
    assert view.isVisible() and view.options.as_of_date() == AS_OF  # the current run's date
    with qtbot.waitActive(view):  # its own window: its Ctrl+Enter works once it is the active one
        view.activateWindow()
    la = view.options.choices["los-angeles"]
    qtbot.mouseClick(la, Qt.MouseButton.LeftButton, pos=QPoint(12, la.height() // 2))
    qtbot.keyClick(view.options.words, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Compare
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    expected = what_if(db, resolve_policy("los-angeles-pilot-2019"), None, AS_OF)
    shown = {view.model.changes[r].standing.conviction_id: view.proxy.index(r, 2).data()
             for r in range(view.proxy.rowCount())}
    assert set(shown) == {c.standing.conviction_id for c in expected.changes} and shown
    assert view.proxy.rowCount() == len(expected.changes)
    assert "Current run" in view.summary.text() and "With the change" in view.summary.text()
    assert f"<b>{len(expected.decided):,}</b> already decided" in view.summary.text()
    assert _counts(db) == before  # nothing evaluated, decided or audited

    qtbot.mouseClick(view.only_decided, Qt.MouseButton.LeftButton, pos=QPoint(8, view.only_decided.height() // 2))
    assert view.proxy.rowCount() == len(expected.decided) > 0
    assert all(view.proxy.index(r, 3).data().endswith(f"by {ADA.name}") for r in range(view.proxy.rowCount()))

    out = tmp_path / "whatif.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    qtbot.mouseClick(view.csv_button, Qt.MouseButton.LeftButton)
    with open(out, newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(expected.changes)
    assert out.stat().st_mode & 0o777 == 0o600  # names and CII numbers: the owner's only

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    saved = load_office_policy(db)
    assert saved is not None and saved.version == "1" and saved.name == "Office policy (Los Angeles pilot flow)"
    assert _counts(db)[:2] == before[:2]  # saving the policy evaluates nothing
    view.close()
    window.close()


def test_whatif_model_passes_the_model_tester(qtmodeltester, evaluated):
    from reviewer.ui.whatif_view import ChangesModel

    db = open_database(str(evaluated))
    model = ChangesModel()
    model.set_changes(what_if(db, resolve_policy("los-angeles-pilot-2019")).changes)
    qtmodeltester.check(model)
    db.dispose()


def _office_action(window, text):
    return next(a for a in window.menuBar().actions()[0].menu().actions() if a.text().replace("&", "").startswith(text))


def test_office_settings_flag_the_example_until_every_field_is_replaced(qtbot, evaluated):
    window = _window(qtbot, evaluated)
    seen = {}
    replacements = {
        "county": "Los Angeles", "court_address": "111 N. Hill Street\nLos Angeles, CA 90012",
        "district_attorney": "JANE DOE", "deputy_name": "Ada Attorney", "deputy_bar_number": "123456",
        "office_address": "211 W. Temple Street\nLos Angeles, CA 90012", "phone": "(213) 555-0100",
        "email": "prop64@da.example.org", "public_defender": "Law Offices of the Public Defender",
        "public_defender_address": "210 W. Temple Street\nLos Angeles, CA 90012", "city": "Los Angeles",
    }

    def edit(dialog):
        seen["banner"] = dialog.banner.isVisible() and "11 fields" in dialog.banner.text()
        for key, value in replacements.items():
            field = dialog.fields[key]
            field.setFocus()
            field.selectAll()
            for n, line in enumerate(value.split("\n")):
                if n:
                    qtbot.keyClick(field, Qt.Key.Key_Return)
                qtbot.keyClicks(field, line)
            if key == "deputy_bar_number":
                qtbot.keyClick(field, Qt.Key.Key_X)
                seen["bad_bar"] = not dialog.save_button.isEnabled() and "digits only" in dialog.hint.text()
                qtbot.keyClick(field, Qt.Key.Key_Backspace)
            if key == "phone":
                seen["half"] = dialog.banner.isVisible()
        seen["replaced"] = not dialog.banner.isVisible()
        dialog.filing_style.setFocus()
        qtbot.keyClick(dialog.filing_style, Qt.Key.Key_Down)  # from per court case to the bulk motion
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_dialog_opens(edit)
    _office_action(window, "Office settings").trigger()
    assert seen == {"banner": True, "bad_bar": True, "half": True, "replaced": True}
    office = load_office(window.service.db)
    assert not office.is_example and office.district_attorney == "JANE DOE"
    assert office.court_address == ("111 N. Hill Street", "Los Angeles, CA 90012")
    from reviewer.services.office import load_office_document

    assert load_office_document(window.service.db)["filing_style"] == "bulk"
    window.close()


def test_file_menu_exports_the_register_and_the_summary(qtbot, evaluated, tmp_path, monkeypatch):
    import openpyxl
    from pypdf import PdfReader

    window = _window(qtbot, evaluated)
    register, summary = tmp_path / "register.xlsx", tmp_path / "summary.pdf"
    answers = iter([str(register), str(summary)])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (next(answers), "")))
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.jobs.busy and register.exists(), timeout=60_000)
    assert "Wrote the register" in window.message.label.text()
    wb = openpyxl.load_workbook(register, read_only=True)
    assert wb.sheetnames[:2] == ["Summary", "Register"]
    with window.service.db.engine.connect() as conn:
        current = conn.execute(select(func.count()).select_from(m.Evaluation).where(m.Evaluation.current.is_(True))).scalar()
    assert sum(1 for _ in wb["Register"].iter_rows(min_row=2)) == current > 0
    wb.close()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not window.jobs.busy and summary.exists(), timeout=60_000)
    text = PdfReader(str(summary)).pages[0].extract_text()
    assert "LOS ANGELES" in text.upper() and "Flagged felonies decided" in text
    window.close()
