"""The review queue window, offscreen, on real SQLite files: filter, search, decide, undo, advance, reopen."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import func, select

from reviewer.services.demo import build_demo_database
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.ui import open_main_window
from reviewer.ui.queue_model import QueueModel
from reviewer.ui.settings import Settings
from tests.qt_helpers import when_dialog_opens

# The offscreen platform plugin says this when any window is shown; it is not about Reviewer.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

ROWS = 4000  # about 170 flagged felonies: enough for filters, quick to build


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("queue") / "base.db"
    build_demo_database(path, rows=ROWS)
    return path


@pytest.fixture
def db_path(base_db, tmp_path):
    path = tmp_path / "review.db"
    shutil.copy(base_db, path)
    return path


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def open_window(qtbot, db_path, settings):
    windows = []

    def opener(user="A. Deputy", role="attorney", path=None):
        window = open_main_window(path or db_path, user, role, bar_number="123456", settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        with qtbot.waitActive(window):  # keyboard shortcuts only reach the active window
            window.activateWindow()
        window.table.setFocus()
        return window

    yield opener
    for window in windows:
        window.close()


def review_of(db_path, conviction_id):
    db = Database(db_path, migrate=False)
    try:
        with db.session() as s:
            review = s.get(m.Review, conviction_id)
            decisions = s.scalars(select(m.Decision).where(m.Decision.conviction_id == conviction_id)).all()
            made = [(d.kind, d.user_name, d.bar_number) for d in decisions]
            return review.status, review.outcome, review.decided_by, made
    finally:
        db.dispose()




def select_acceptable(window):
    """Put the selection on a pending conviction whose suggestion Accept can take."""
    for row in range(window.model.rowCount()):
        r = window.model.queue_row(row)
        if r.status == "pending" and r.suggestion != "NEEDS_REVIEW":
            window._select_row(row)
            return r
    raise AssertionError("no acceptable conviction in the test data")


def test_model_passes_qt_model_tester(qtmodeltester, open_window):
    window = open_window()
    assert window.model.rowCount() > 100
    qtmodeltester.check(window.model, force_py=True)
    window.model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(window.model, force_py=True)


def test_named_widgets_for_automation(open_window):
    window = open_window()
    from PySide6.QtWidgets import QWidget

    for name in ("queueTable", "searchBox", "statusFilter", "casePanel", "suggestionLabel", "acceptButton",
                 "overrideButton", "undoButton", "progressBar"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_queue_shows_flagged_felonies_attention_first(open_window):
    window = open_window()
    model: QueueModel = window.model
    total = model.rowCount()
    db = Database(window.service.url, migrate=False)
    with db.session() as s:
        flagged = s.scalar(select(func.count()).where(m.Evaluation.current.is_(True), m.Evaluation.flagged.is_(True)))
    db.dispose()
    assert total == flagged
    priorities = [model.queue_row(r).priority for r in range(total)]
    assert priorities == sorted(priorities), "priority 0 (needs review / disqualifier) first"
    assert "pending" in window.counts_label.text() and f"{total:,}" in window.counts_label.text()
    assert window.case_panel.case is not None and window.case_panel.case.conviction_id == model.conviction_id(0)


def test_filters_and_search(qtbot, open_window):
    window = open_window()
    model = window.model
    total = model.rowCount()
    bar = window.filters
    bar.suggestion.setCurrentIndex(bar.suggestion.findData("NEEDS_REVIEW"))
    needs = model.rowCount()
    assert 0 < needs < total
    assert all(model.queue_row(r).suggestion == "NEEDS_REVIEW" for r in range(needs))
    bar.section.setCurrentIndex(bar.section.findData("11359"))
    assert all(model.queue_row(r).code_section.startswith("11359") for r in range(model.rowCount()))
    bar.clear()
    assert model.rowCount() == total
    # A reason filter: the deciding rule.
    bar.reason.setCurrentIndex(1)
    reason_rows = model.rowCount()
    assert 0 < reason_rows < total
    bar.clear()
    # Search by part of a name (any order of words), by CII and by case number.
    row = model.queue_row(5)
    last, _, first = row.name.partition(",")
    bar.search.setText(f"{first.split()[0].lower()} {last.lower()}")
    bar.search.returnPressed.emit()
    assert 0 < model.rowCount() < total
    assert all(last in model.queue_row(r).name for r in range(model.rowCount()))
    for text in (row.cii, row.court_case):
        bar.search.setText(text)
        qtbot.waitUntil(lambda: model.rowCount() < total, timeout=2000)  # the search box waits for typing to pause
        assert row.conviction_id in [model.conviction_id(r) for r in range(model.rowCount())]
    bar.search.setText("no such person zzz")
    bar.search.returnPressed.emit()
    assert model.rowCount() == 0
    assert window.case_panel.case is None
    assert "No conviction matches" in window.case_panel.person_label.text()


def test_sorting_by_column_and_back_to_queue_order(open_window):
    window = open_window()
    model = window.model
    first = model.conviction_id(0)
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [model.queue_row(r).name for r in range(model.rowCount())]
    assert names == sorted(names)
    window.queue_order()
    assert model.conviction_id(0) == first


def test_accept_records_decision_and_advances(qtbot, open_window, db_path):
    window = open_window()
    row = select_acceptable(window)
    pending_before = window.service.counts().pending
    qtbot.keyClick(window.table, Qt.Key.Key_A)  # the keyboard alone
    status, outcome, decided_by, decisions = review_of(db_path, row.conviction_id)
    assert status == "accepted" and decided_by == "A. Deputy"
    assert decisions == [("ACCEPT", "A. Deputy", "123456")]
    assert window.service.counts().pending == pending_before - 1
    # auto-advance: the next pending conviction is open
    current = window.case_panel.case
    assert current is not None and current.conviction_id != row.conviction_id
    assert current.review.status == "pending"
    assert window.current_conviction() == current.conviction_id
    decided_row = window.model.row_of(row.conviction_id)
    assert window.model.queue_row(decided_row).status == "accepted"
    assert window.table.currentIndex().row() > decided_row


def test_accept_is_refused_for_needs_review_with_a_message(open_window):
    window = open_window()
    window.filters.suggestion.setCurrentIndex(window.filters.suggestion.findData("NEEDS_REVIEW"))
    assert not window.accept_button.isEnabled()
    window.accept_current()
    assert "Override" in window.message.text()


def test_override_needs_a_reason(qtbot, open_window, db_path):
    window = open_window()
    cid = window.current_conviction()
    seen = {}

    def without_reason(dialog):
        seen["names"] = (dialog.outcome.objectName(), dialog.reason.objectName(),
                         bool(dialog.outcome.accessibleName() and dialog.reason.accessibleName()))
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("CHALLENGE_NOT_ELIGIBLE"))
        seen["ok_enabled"] = dialog.ok_button.isEnabled()
        seen["hint"] = dialog.hint.text()
        dialog.accept()  # refused: stays open
        seen["still_open"] = dialog.isVisible()
        dialog.reject()

    when_dialog_opens(without_reason)
    window.override_current()
    assert seen.pop("names") == ("overrideOutcome", "overrideReason", True)
    assert seen == {"ok_enabled": False, "hint": "A reason is required: choose one, or type it.", "still_open": True}
    assert review_of(db_path, cid)[0] == "pending"

    def with_reason(dialog):
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("CHALLENGE_NOT_ELIGIBLE"))
        qtbot.keyClicks(dialog.reason, "Prior strike in Nevada not in the DOJ record")
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    when_dialog_opens(with_reason)
    window.override_current()
    status, outcome, _by, decisions = review_of(db_path, cid)
    assert (status, outcome) == ("overridden", "CHALLENGE_NOT_ELIGIBLE")
    assert decisions[0][0] == "OVERRIDE"
    assert window.current_conviction() != cid  # advanced


def test_public_safety_challenge_only_while_serving(open_window):
    window = open_window()
    index = window.service.index
    completed = serving = None
    for row in range(window.model.rowCount()):
        r = window.model.queue_row(row)
        if r.sentence_status == "COMPLETED" and completed is None:
            completed = row
        if r.sentence_status == "SERVING" and serving is None:
            serving = row
    assert completed is not None and len(index) > 0
    seen = {}

    def inspect(dialog):
        item = dialog.outcome.model().item(dialog.outcome.findData("CHALLENGE_PUBLIC_SAFETY"))
        seen["enabled"] = item.isEnabled()
        seen["note"] = dialog.public_safety_note.text()
        dialog.reject()

    window._select_row(completed)
    when_dialog_opens(inspect)
    window.override_current()
    assert seen["enabled"] is False and "sentence is completed" in seen["note"]
    if serving is not None:
        window._select_row(serving)
        when_dialog_opens(inspect)
        window.override_current()
        assert seen["enabled"] is True


def test_undo_reverts_last_decision(qtbot, open_window, db_path):
    window = open_window()
    row = select_acceptable(window)
    window.accept_current()
    assert review_of(db_path, row.conviction_id)[0] == "accepted"
    assert window.undo_button.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    status, _outcome, _by, _decisions = review_of(db_path, row.conviction_id)
    assert status == "pending"
    assert window.current_conviction() == row.conviction_id  # the undone case is shown again
    assert window.case_panel.case.review.status == "pending"
    assert window.model.queue_row(window.model.row_of(row.conviction_id)).status == "pending"
    assert not window.undo_button.isEnabled()
    window.undo_stack.redo()
    assert review_of(db_path, row.conviction_id)[0] == "accepted"


def test_redo_after_a_colleagues_decision_is_a_conflict(qtbot, open_window, db_path):
    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import DecisionKind, Outcome
    from reviewer.services import deciding

    window = open_window()
    row = select_acceptable(window)
    window.accept_current()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert review_of(db_path, row.conviction_id)[0] == "pending"
    db = Database(db_path, migrate=False)
    deciding.decide(db, row.conviction_id, User("B. Colleague"), DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                    "Prior found in the court file.")
    db.dispose()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    status, outcome, by, _ = review_of(db_path, row.conviction_id)
    assert (status, outcome, by) == ("overridden", "CHALLENGE_NOT_ELIGIBLE", "B. Colleague")  # theirs stands
    assert "B. Colleague decided this conviction since it was shown" in window.message.text()


def test_undo_after_a_colleagues_decision_is_a_conflict(qtbot, open_window, db_path):
    from reviewer.domain.people import User
    from reviewer.domain.vocabulary import DecisionKind, Outcome
    from reviewer.services import deciding

    window = open_window()
    row = select_acceptable(window)
    window.accept_current()
    db = Database(db_path, migrate=False)
    deciding.decide(db, row.conviction_id, User("B. Colleague"), DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                    "Prior found in the court file.")
    db.dispose()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    status, _outcome, by, _ = review_of(db_path, row.conviction_id)
    assert (status, by) == ("overridden", "B. Colleague")
    assert "their decision stands" in window.message.text()


def test_next_pending_skips_decided(open_window):
    window = open_window()
    first = select_acceptable(window)
    row0 = window.model.row_of(first.conviction_id)
    window.accept_current()
    window._select_row(row0 - 1 if row0 > 0 else row0)
    window.next_pending()
    assert window.current_conviction() != first.conviction_id


def test_clerk_reads_but_cannot_decide(qtbot, open_window, db_path):
    window = open_window(user="C. Clerk", role="clerk")
    assert window.model.rowCount() > 0 and window.case_panel.case is not None
    assert not window.accept_button.isEnabled() and not window.override_button.isEnabled()
    assert not window.role_banner.isHidden()
    cid = window.current_conviction()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    window.accept_current()
    assert "clerk" in window.message.text().lower()
    assert review_of(db_path, cid)[0] == "pending"


def test_decisions_survive_closing_and_reopening(open_window, db_path):
    window = open_window()
    row = select_acceptable(window)
    window.accept_current()
    window.close()  # nothing to save at close: the decision was committed when made
    again = open_window()
    assert again.service.index.status[again.service.index.position(row.conviction_id)] == 1
    again._select_row(again.model.row_of(row.conviction_id))
    assert again.case_panel.case.review.status == "accepted"
    assert "Accepted" in again.case_panel.status_label.text()
    assert "A. Deputy" in again.case_panel.details.toPlainText()


def test_conflict_with_another_reviewer_is_a_message(open_window, db_path):
    from reviewer.domain.people import User
    from reviewer.services import deciding
    from reviewer.domain.vocabulary import DecisionKind

    window = open_window()
    row = select_acceptable(window)
    db = Database(db_path, migrate=False)
    deciding.decide(db, row.conviction_id, User("B. Colleague"), DecisionKind.ACCEPT)
    db.dispose()
    window.accept_current()  # the window still shows version 0
    assert "B. Colleague" in window.message.text()
    assert window.case_panel.case.review.decided_by == "B. Colleague"


def test_the_whole_review_from_the_keyboard(qtbot, open_window, db_path):
    window = open_window()
    table = window.table
    first = window.current_conviction()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert window.current_conviction() == window.model.conviction_id(1)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert window.current_conviction() == first
    # Search: "/" jumps to the box, typing filters, Esc goes back to the queue.
    qtbot.keyClick(table, Qt.Key.Key_Slash)
    assert window.filters.search.hasFocus()
    name = window.model.queue_row(3).name.split(",")[0]
    qtbot.keyClicks(window.filters.search, name)
    qtbot.keyClick(window.filters.search, Qt.Key.Key_Return)
    assert all(name in window.model.queue_row(r).name for r in range(window.model.rowCount()))
    qtbot.keyClick(window.filters.search, Qt.Key.Key_Escape)
    assert table.hasFocus()
    window.filters.clear()
    # Override: O opens the dialog; outcome, reason and Ctrl+Enter, all by keys.
    target = window.current_conviction()

    def by_keys(dialog):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)  # the first outcome
        dialog.reason.setFocus()
        qtbot.keyClicks(dialog.reason, "Declaration in the court file shows 2 plants")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_dialog_opens(by_keys)
    qtbot.keyClick(table, Qt.Key.Key_O)
    status, outcome, _by, _d = review_of(db_path, target)
    assert (status, outcome) == ("overridden", "DISMISS_AND_SEAL")
    assert window.current_conviction() != target
    with qtbot.waitActive(window):  # the offscreen platform does not hand activation back after a dialog
        window.activateWindow()
    # N: the next pending; Ctrl+Z: undo the override.
    here = window.table.currentIndex().row()
    qtbot.keyClick(table, Qt.Key.Key_N)
    assert window.table.currentIndex().row() > here
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review_of(db_path, target)[0] == "pending"


def test_shortcuts_are_shown(open_window):
    window = open_window()
    assert "(A)" in window.accept_button.text() and "(O)" in window.override_button.text()
    assert "Ctrl+Z" in window.undo_button.text()
    review_menu = [a for a in window.menuBar().actions() if a.text() == "&Review"][0].menu()
    shown = {a.text(): a.shortcut().toString() for a in review_menu.actions() if not a.isSeparator()}
    assert shown["&Accept"] == "A" and shown["&Override…"] == "O" and shown["&Undo (decision or answer)"] == "Ctrl+Z"


def test_print_center_and_dashboard_open_in_their_own_windows(qtbot, open_window):
    window = open_window(user="C. Clerk", role="clerk")
    window.open_print_center()
    window.open_dashboard()
    tools = dict(window._tools)
    assert set(tools) == {"print", "dashboard"} and all(t.isVisible() for t in tools.values())
    with qtbot.waitSignal(tools["dashboard"].refreshed, timeout=10000):
        tools["dashboard"].refresh()
    window.open_print_center()  # a second time: the same window
    assert window._tools["print"] is tools["print"]
    window.close()
    assert not any(t.isVisible() for t in tools.values())


def test_import_wizard_opens_from_the_file_menu(open_window):
    window = open_window()
    seen = {}

    def close(dialog):
        seen["name"] = dialog.objectName()
        dialog.reject()

    when_dialog_opens(close)
    window.wizard_action.trigger()
    assert seen["name"] == "importWizard"


def test_reviewer_filter_after_deciding(open_window):
    window = open_window()
    row = select_acceptable(window)
    window.accept_current()
    bar = window.filters
    index = bar.reviewer.findData("A. Deputy")
    assert index > 0
    bar.reviewer.setCurrentIndex(index)
    assert window.model.rowCount() == 1 and window.model.conviction_id(0) == row.conviction_id
    assert window.model.queue_row(0).decided_by == "A. Deputy"


def test_case_panel_shows_flags_reasons_and_the_rows_that_count_against_relief(open_window):
    window = open_window()
    service = window.service
    found = None
    for r in range(window.model.rowCount()):
        case = service.case(window.model.conviction_id(r))
        if case.disqualified and any(t.triggers for t in case.timeline):
            found = (r, case)
            break
    assert found is not None, "the demo data has disqualified convictions with priors"
    row, case = found
    window._select_row(row)
    html = window.case_panel.details.toHtml()
    assert all(reason.citation in window.case_panel.details.toPlainText() for reason in case.reasons if reason.citation)
    assert "under review" in window.case_panel.details.toPlainText()
    trigger = next(t for t in case.timeline if t.triggers)
    assert trigger.triggers[0] in window.case_panel.details.toPlainText()
    assert "#fbe3c0" in html  # the amber rows
    if case.person.pc290_registration:
        assert "PC 290 REGISTRANT" in window.case_panel.person_label.text()
    registrant = next((r for r in range(window.model.rowCount())
                       if service.case(window.model.conviction_id(r)).person.pc290_registration), None)
    if registrant is not None:
        window._select_row(registrant)
        assert "PC 290 REGISTRANT" in window.case_panel.person_label.text()
    assert window.case_panel.suggestion_label.objectName() == "suggestionLabel"


def test_a_killed_app_keeps_its_decisions(db_path, tmp_path):
    """Decisions are committed when made: killing the process right after Accept loses nothing."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "decide_then_die.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from reviewer.ui import open_main_window
        from reviewer.ui.settings import Settings
        w = open_main_window({str(db_path)!r}, "A. Deputy", "attorney", bar_number="1",
                             settings=Settings(QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat)))
        for row in range(w.model.rowCount()):
            r = w.model.queue_row(row)
            if r.suggestion != "NEEDS_REVIEW":
                w._select_row(row)
                break
        print(w.current_conviction(), flush=True)
        w.accept_current()
        os.kill(os.getpid(), signal.SIGKILL)
    """))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == -signal.SIGKILL
    cid = int(done.stdout.split()[0])
    assert review_of(db_path, cid)[0] == "accepted"


def test_about_box_says_whether_the_audit_log_verifies(open_window, db_path):
    from sqlalchemy import text as sql

    window = open_window()
    seen = []
    when_dialog_opens(lambda box: (seen.append(box.text()), box.accept()))
    window.about_action.trigger()
    assert "Reviewer " in seen[0] and "Audit log verified:" in seen[0] and "A. Deputy" in seen[0]
    db = Database(db_path, migrate=False)
    with db.session() as s:
        s.execute(sql("UPDATE audit_log SET user_name = 'x' WHERE id = 1"))
    db.dispose()
    when_dialog_opens(lambda box: (seen.append(box.text()), box.accept()))
    window.about_action.trigger()
    assert "Audit log NOT verified: 1 problem(s): edited audit entry" in seen[1]
