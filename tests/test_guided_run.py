"""The guided run driven through its buttons and keys: files → county → policy options → run → impact → queue."""
from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.engine.policy import load_policy
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.counties import counties_present
from reviewer.services.policy_files import load_office_policy
from reviewer.services.queue import open_database
from reviewer.services.summary import summary_figures
from reviewer.store import models as m
from reviewer.ui.guided_run import GuidedRun

from tests.qt_helpers import private_folders  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)"),
              pytest.mark.usefixtures("private_folders")]
ADA = User("Ada Attorney", Role.ATTORNEY, "123456")
TODAY = date(2024, 1, 1)




@pytest.fixture
def doj_file(tmp_path):
    path = tmp_path / "doj-research.dat"
    write_demo_file(path, rows=1500, county="LOS ANGELES", seed=7)
    return path


def _next(qtbot, wizard):
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _at_policy_options(qtbot, db, tmp_path, doj_file):
    """A guided run on `doj_file`, through its buttons: the file imported, the county page passed, at the
    policy options."""
    wizard = GuidedRun(db, ADA, tmp_path / "policies", files=[str(doj_file)], today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.county_page, timeout=120_000)
    _next(qtbot, wizard)
    return wizard


def _choose(qtbot, options, key):
    """Click the option's radio button on its label (a radio button takes clicks on its indicator and text only)."""
    button = options.choices[key]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(12, button.height() // 2))
    assert options.choice() == key


def _runs(db):
    with db.engine.connect() as conn:
        return conn.execute(select(m.EvaluationRun.__table__).order_by(m.EvaluationRun.id)).all()


def test_guided_run_end_to_end_on_a_generated_file(qtbot, tmp_path, doj_file):
    db = open_database(str(tmp_path / "review.db"))
    wizard = GuidedRun(db, ADA, tmp_path / "policies", today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    files = wizard.files_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # empty database: a file is needed
    assert "empty" in files.status.text()

    # 1. files: the path typed, Enter adds it; Next imports it on a worker, then moves on
    qtbot.keyClicks(files.path, str(doj_file))
    qtbot.keyClick(files.path, Qt.Key.Key_Return)
    assert files.paths() == [str(doj_file)] and files.path.text() == ""
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.county_page, timeout=120_000)

    # 2. county: the counties present with their counts, most convictions first; chosen with the arrow keys
    table = wizard.county_page.table
    present = counties_present(db)
    assert table.rowCount() == len(present) > 1
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [c.county.title() for c in present]
    assert table.item(0, 0).text() == "Los Angeles" and table.item(0, 1).text() == f"{present[0].convictions:,}"
    assert table.item(0, 2).text() == f"{present[0].felonies:,}"
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert wizard.county() == present[1].county
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert wizard.county() == "LOS ANGELES"
    _next(qtbot, wizard)

    # 3. options: the configurable flow; a checkbox by Space, its age typed
    options = wizard.options_page.options
    assert options.choice() == "statute" and not options.choices["office"].isEnabled()
    _choose(qtbot, options, "configurable")
    options.age.setFocus()
    qtbot.keyClick(options.age, Qt.Key.Key_Space)
    assert options.age.isChecked()
    options.age_years.selectAll()
    qtbot.keyClicks(options.age_years, "60")
    assert options.age_years.value() == 60
    assert "If the person is 60 or older today: dismiss and seal" in options.words.toPlainText()
    qtbot.keyClick(options.as_of, Qt.Key.Key_Tab)
    assert options.as_of_date() == TODAY
    _next(qtbot, wizard)

    # 4. the run: on a worker; impact figures when done
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.report is not None, timeout=120_000)
    figures = summary_figures(db)
    assert f"<b>{figures.projected.no_felony:,}</b> people will have no felony" in run.impact.text()
    assert f"<b>{figures.projected.no_conviction:,}</b> people will have no conviction" in run.impact.text()
    assert run.report.county == "LOS ANGELES" and run.report.as_of == TODAY

    # the policy file the options wrote: read back by the engine, stored with the evaluation
    path = wizard.policy_path
    assert path is not None and path.parent == tmp_path / "policies" and path.name.endswith("-v1.json")
    policy = load_policy(path)
    assert policy.document["configurable_options"]["age_at_least"] == 60
    (stored,) = _runs(db)
    assert (stored.policy_name, stored.policy_version, stored.policy_digest) == (policy.name, "1", policy.digest)
    assert json.loads(stored.policy_document) == json.loads(path.read_text(encoding="utf-8"))
    assert stored.created_by == ADA.name
    assert load_office_policy(db).digest == policy.digest

    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled() and "queue" in finish.text()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    db.dispose()


def test_a_second_guided_run_offers_the_saved_policy_and_versions_a_change(qtbot, tmp_path, doj_file):
    db = open_database(str(tmp_path / "review.db"))
    first = _at_policy_options(qtbot, db, tmp_path, doj_file)
    _choose(qtbot, first.options_page.options, "los-angeles")
    _next(qtbot, first)
    qtbot.waitUntil(lambda: first.run_page.report is not None, timeout=120_000)
    first.accept()

    second = GuidedRun(db, ADA, tmp_path / "policies", today=TODAY)
    qtbot.addWidget(second)
    second.show()
    assert second.button(QWizard.WizardButton.NextButton).isEnabled()  # the records are there already
    _next(qtbot, second)  # no file: nothing to import
    assert second.currentPage() is second.county_page
    _next(qtbot, second)
    options = second.options_page.options
    assert options.choice() == "office" and "Los Angeles pilot flow" in options.choices["office"].text()
    same = second.options_page.options.document()
    assert load_office_policy(db).version == "1" and same["version"] == "1"
    _choose(qtbot, options, "configurable")
    _next(qtbot, second)
    qtbot.waitUntil(lambda: second.run_page.report is not None, timeout=120_000)
    assert second.policy_path.name.endswith("-v2.json") and load_office_policy(db).version == "2"
    runs = _runs(db)
    assert [r.policy_version for r in runs] == ["1", "2"]
    assert json.loads(runs[0].policy_document)["based_on"].startswith("Los Angeles pilot flow v2019.1")

    third = GuidedRun(db, ADA, tmp_path / "policies", today=TODAY)  # the saved configurable options come back
    qtbot.addWidget(third)
    third.show()
    _next(qtbot, third)
    _next(qtbot, third)
    options = third.options_page.options
    assert options.choice() == "office" and options.options() == second.options_page.options.options()
    assert options.document()["version"] == "2"
    db.dispose()


def test_file_new_review_ctrl_n_runs_the_guided_run_and_fills_the_queue(qtbot, tmp_path, doj_file):
    from reviewer.ui import open_main_window
    from reviewer.ui.settings import Settings
    from tests.qt_helpers import when_dialog_opens

    target = tmp_path / "office.db"
    open_database(str(target)).dispose()
    window = open_main_window(target, ADA.name, "attorney", bar_number=ADA.bar_number, settings=Settings())
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0
    with qtbot.waitActive(window):
        window.activateWindow()
    seen = {}

    def drive(wizard):
        seen["title"] = wizard.windowTitle()
        wizard.files_page.add(str(doj_file))
        wizard.next()  # as the Next button does: validatePage starts the import
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.county_page, timeout=120_000)
        wizard.next()
        qtbot.keyClick(wizard.options_page.options.choices["statute"], Qt.Key.Key_Space)
        wizard.button(QWizard.WizardButton.NextButton).click()
        qtbot.waitUntil(lambda: wizard.run_page.report is not None, timeout=120_000)
        qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Enter presses the default button: Open the queue

    when_dialog_opens(drive)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["title"] == "New review"
    assert window.model.rowCount() > 0  # the queue shows the new run's flagged felonies
    assert "under statute only" in window.message.label.text()
    window.close()


def test_identity_dialog_checks_the_state_bar_number_form(qtbot):
    from reviewer.ui.dialogs import IdentityDialog

    dialog = IdentityDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.keyClicks(dialog.name, "Ada Attorney")
    for typed, problem in (("12a456", "digits only"), ("1234567", "at most 6 digits"), ("000", "not all zeros"),
                           ("SBN", "is digits")):
        dialog.bar_number.clear()
        qtbot.keyClicks(dialog.bar_number, typed)
        assert problem in dialog.hint.text() and not ok.isEnabled(), typed
    for typed in ("123456", "SBN 123456"):  # as it is written on papers, too
        dialog.bar_number.clear()
        qtbot.keyClicks(dialog.bar_number, typed)
        assert dialog.hint.text() == "" and ok.isEnabled() and dialog.user().bar_number == "123456"
    dialog.role.setCurrentIndex(1)  # a clerk needs no bar number; one given must still be well formed
    dialog.bar_number.clear()
    assert ok.isEnabled()
    qtbot.keyClicks(dialog.bar_number, "12x")
    assert not ok.isEnabled()


def test_cancel_and_esc_stop_the_run_and_keep_nothing_then_run_again(qtbot, tmp_path, doj_file, monkeypatch):
    """The real evaluation, held at its start until the test has pressed Cancel (no timing involved)."""
    import threading

    import reviewer.ui.guided_run as guided

    gate, started = threading.Event(), threading.Event()
    real = guided.evaluate

    def held(*args, **kwargs):
        started.set()
        assert gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(guided, "evaluate", held)
    db = open_database(str(tmp_path / "review.db"))
    wizard = _at_policy_options(qtbot, db, tmp_path, doj_file)
    _next(qtbot, wizard)
    run = wizard.run_page
    assert started.wait(60) and wizard.jobs.busy
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(run.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: not wizard.jobs.busy, timeout=60_000)
    assert "cancelled; the database is as it was before" in run.status.text()
    assert _runs(db) == [] and run.report is None and not run.again_button.isHidden()

    gate.clear()
    started.clear()
    qtbot.mouseClick(run.again_button, Qt.MouseButton.LeftButton)
    assert started.wait(60)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # Esc stops the run; the wizard stays open
    gate.set()
    qtbot.waitUntil(lambda: not wizard.jobs.busy, timeout=60_000)
    assert wizard.isVisible() and _runs(db) == []

    gate.set()
    qtbot.mouseClick(run.again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.report is not None, timeout=120_000)
    assert len(_runs(db)) == 1 and wizard.button(QWizard.WizardButton.CancelButton).text() == "Close"
    db.dispose()


def test_the_rule_editor_changes_a_number_and_an_order_and_the_run_uses_it(qtbot, tmp_path, doj_file):
    from tests.qt_helpers import when_dialog_opens

    db = open_database(str(tmp_path / "review.db"))
    wizard = _at_policy_options(qtbot, db, tmp_path, doj_file)
    options = wizard.options_page.options
    _choose(qtbot, options, "los-angeles")
    seen = {}

    def edit(editor):
        rules = editor.rules
        rules.setFocus()
        qtbot.keyClick(rules, Qt.Key.Key_Home)
        for _ in range(7):
            qtbot.keyClick(rules, Qt.Key.Key_Down)
        seen["rule"] = rules.currentItem().text()
        spin = editor.numbers["age_at_least"]
        spin.selectAll()
        qtbot.keyClicks(spin, "55")
        seen["words"] = rules.currentItem().text()
        qtbot.keyClick(rules, Qt.Key.Key_Home)
        qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)  # the city-attorney referral second
        seen["second"] = rules.item(1).text()
        qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)

    when_dialog_opens(edit)
    qtbot.mouseClick(options.edit_button, Qt.MouseButton.LeftButton)
    assert seen["rule"].startswith("8. If the person is 50 or older today")
    assert seen["words"].startswith("8. If the person is 55 or older today")
    assert seen["second"].startswith("2. If the conviction is a misdemeanor or infraction: refer")
    assert options.choice() == "edited" and "55 or older" in options.words.toPlainText()
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.run_page.report is not None, timeout=120_000)
    (stored,) = _runs(db)
    document = json.loads(stored.policy_document)
    assert [r["id"] for r in document["rules"][:2]] == ["after-auma", "misdemeanor-to-city-attorney"]
    assert next(r for r in document["rules"] if r["id"] == "fifty-or-older")["when"] == {"age_at_least": 55}
    assert json.loads(wizard.policy_path.read_text(encoding="utf-8")) == document
    assert load_office_policy(db).digest == stored.policy_digest
    db.dispose()
