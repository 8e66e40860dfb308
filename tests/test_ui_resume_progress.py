"""Issue 12, point 7: the review resumes where the attorney left off; the dashboard shows each attorney's
progress today and this week and a projected finish date."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt

from reviewer.services.progress import attorney_progress, working_days_after
from reviewer.store.database import Database
from reviewer.ui import open_main_window
from reviewer.ui.settings import Settings
from tests.test_ui_questions import focused, policy_db  # noqa: F401 - fixture

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _open(qtbot, path, settings_file, user="A. Deputy"):
    settings = Settings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    window = open_main_window(path, user, "attorney", bar_number="123456", settings=settings)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.setFocus()
    return window


def test_the_review_resumes_where_the_attorney_left_off(qtbot, policy_db, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(policy_db, path)
    ini = tmp_path / "settings.ini"
    window = _open(qtbot, path, ini)
    for _ in range(7):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    left_at = window.current_conviction()
    assert window.table.currentIndex().row() == 7
    window.close()
    again = _open(qtbot, path, ini)
    assert again.current_conviction() == left_at
    assert "Resumed" in again.message.text()
    again.close()
    colleague = _open(qtbot, path, ini, user="B. Colleague")  # each attorney their own place
    assert colleague.table.currentIndex().row() == 0
    colleague.close()


def test_dashboard_shows_progress_per_attorney_and_a_finish_date(qtbot, policy_db, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(policy_db, path)
    window = _open(qtbot, path, tmp_path / "s.ini")
    decided = 0
    for _ in range(400):
        if decided == 5:
            break
        if window.case_panel.case.can_accept:
            qtbot.keyClick(focused(), Qt.Key.Key_A)
            decided += 1
        else:
            qtbot.keyClick(focused(), Qt.Key.Key_N)
    assert decided
    qtbot.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    board = window._tools["dashboard"]
    with qtbot.waitSignal(board.refreshed, timeout=20000):
        board.refresh()
    progress = board.progress
    me = next(a for a in progress.attorneys if a.name == "A. Deputy")
    assert (me.today, me.this_week) == (decided, decided)
    assert progress.pending == window.service.counts().pending
    assert progress.finish is not None and progress.finish >= date.today()
    text = board.progress_text.text()
    assert "A. Deputy" in text and "projected finish" in text and progress.finish.isoformat() in text
    window.close()


def test_projection_counts_working_days():
    friday = date(2026, 11, 27)
    assert working_days_after(friday, 1) == date(2026, 11, 30)  # the Monday
    assert working_days_after(friday, 6) == date(2026, 12, 7)


def test_no_pace_means_no_finish_date(policy_db):
    db = Database(policy_db, migrate=False)
    try:
        progress = attorney_progress(db, date(2026, 12, 2), pending=120)
    finally:
        db.dispose()
    assert progress.attorneys == () and progress.finish is None and progress.per_day == 0


def test_at_start_the_keys_reach_the_queue_not_the_search_box(qtbot, policy_db, tmp_path):
    path = tmp_path / "r.db"
    shutil.copy(policy_db, path)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = open_main_window(path, "A. Deputy", "attorney", bar_number="123456", settings=settings)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    assert focused() is window.table, "the search box does not take the first keys"
    qtbot.keyClick(focused(), Qt.Key.Key_N)
    assert window.filters.search.text() == "" and window.table.currentIndex().row() > 0
    window.close()
