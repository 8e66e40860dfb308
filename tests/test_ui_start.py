"""Starting the app: first run with the demo database, identity asked once, `reviewer gui` entry points."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reviewer import cli
from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.services.demo import build_demo_database
from reviewer.ui import open_main_window
from reviewer.ui.app import choose_database, choose_user
from reviewer.ui.main_window import MainWindow
from reviewer.ui.settings import Settings, data_folder, default_database
from tests.qt_helpers import private_folders, when_dialog_opens  # noqa: F401 (private_folders: a fixture)

pytestmark = [pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)"),
              pytest.mark.usefixtures("private_folders")]

DEMO_ROWS = 3000






def test_user_folders_are_private_to_the_test(tmp_path):
    assert data_folder().is_relative_to(tmp_path)
    assert default_database() == data_folder() / "reviewer.db"


def test_first_run_offers_the_demo_database_and_opens_it(qtbot, tmp_path):
    assert not default_database().exists()
    seen = {}

    def click_demo(dialog):
        seen["title"] = dialog.windowTitle()
        dialog.demo_button.click()
        seen["progress_shown"] = not dialog.progress.isHidden()

    when_dialog_opens(click_demo)
    target, files = choose_database(None, demo=False, demo_rows=DEMO_ROWS)
    assert seen == {"title": "Welcome to Reviewer", "progress_shown": True}
    assert files == [] and Path(target) == data_folder() / "demo.db" and Path(target).exists()
    assert not list(data_folder().glob("*.building*")), "no scratch file left behind"
    window = open_main_window(target, "A. Deputy", "attorney", bar_number="1", settings=Settings())
    qtbot.addWidget(window)
    assert window.model.rowCount() > 50
    assert window.case_panel.case is not None
    window.close()


def test_first_run_can_choose_to_import(monkeypatch, tmp_path, gogen_dir):
    from PySide6.QtWidgets import QFileDialog

    chosen = [str(gogen_dir / "no_headers.csv")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: (chosen, "")))
    when_dialog_opens(lambda dialog: dialog.import_button.click())
    target, files = choose_database(None, demo=False)
    assert Path(target) == default_database() and files == chosen


def test_gui_demo_builds_once_then_reuses(tmp_path):
    when_dialog_opens(lambda dialog: None)  # the build starts by itself and closes the dialog when done
    target, _ = choose_database(None, demo=True, demo_rows=DEMO_ROWS)
    built = Path(target).stat().st_mtime_ns
    again, _ = choose_database(None, demo=True, demo_rows=DEMO_ROWS)  # no dialog this time
    assert again == target and Path(again).stat().st_mtime_ns == built


def test_identity_is_asked_once_and_kept(qtbot):
    settings = Settings()

    def fill(dialog):
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.name.setText("Ana  Deputy")
        assert "Bar number" in dialog.hint.text()
        dialog.bar_number.setText("299999")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    when_dialog_opens(fill)
    user = choose_user(settings, None, "attorney", "")
    assert (user.name, user.role, user.bar_number) == ("Ana Deputy", Role.ATTORNEY, "299999")
    again = choose_user(Settings(), None, "attorney", "")  # a fresh run: read from settings, no dialog
    assert again == user


def test_gui_with_user_and_role_opens_without_asking(qapp, tmp_path):
    qapp.setQuitOnLastWindowClosed(False)  # only our quit() ends the event loop; nothing stray is posted
    db = tmp_path / "shared.db"
    build_demo_database(db, rows=DEMO_ROWS)
    seen = {}

    def look():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, look)
            return
        window = windows[0]
        seen["user"] = (window.user.name, window.user.role)
        seen["accept_enabled"] = window.accept_button.isEnabled()
        window.close()
        QApplication.instance().quit()

    QTimer.singleShot(0, look)
    try:
        code = cli.main(["gui", "--db", str(db), "--user", "C. Clerk", "--role", "clerk"])
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert code == 0
    assert seen == {"user": ("C. Clerk", Role.CLERK), "accept_enabled": False}


def test_gui_on_a_database_it_cannot_open_says_why(tmp_path):
    bad = tmp_path / "not-a-database.db"
    bad.write_text("this is not SQLite")
    seen = {}

    def close_message(box):
        seen["text"] = box.text()
        box.close()

    when_dialog_opens(close_message)
    code = cli.main(["gui", "--db", str(bad), "--user", "A", "--role", "attorney"])
    assert code == 2 and "cannot open the database" in seen["text"]


def test_no_command_opens_the_users_database(qapp, tmp_path):
    build_demo_database(default_database(), rows=DEMO_ROWS)
    Settings().set_identity(User("Ana Deputy", Role.ATTORNEY, "2"))
    qapp.setQuitOnLastWindowClosed(False)
    seen = {}

    def look():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, look)
            return
        seen["db"] = windows[0].service.url
        seen["user"] = windows[0].user.name
        windows[0].close()
        QApplication.instance().quit()

    QTimer.singleShot(0, look)
    try:
        assert cli.main([]) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert seen["db"].endswith(str(default_database())) and seen["user"] == "Ana Deputy"


def test_qt_binding_keeps_none_alive(qapp):
    """PySide6 6.12.0 drops a reference to None on each void call under Python < 3.12; long sessions abort."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 50


def test_ui_code_asks_services_never_sql():
    import ast

    root = Path(__file__).resolve().parents[1] / "reviewer" / "ui"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("sqlalchemy", "reviewer.store")), f"{path.name} imports {name}"


def _xcb_plugin_loads() -> bool:
    import ctypes

    from PySide6.QtCore import QLibraryInfo

    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    try:
        ctypes.CDLL(str(plugin))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux") or _xcb_plugin_loads(),
                    reason="the X11 libraries Qt needs are installed here: nothing to report")
def test_missing_x11_libraries_are_named_instead_of_a_qt_abort(tmp_path):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":0", XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "reviewer", "gui", "--demo"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 2, done.stderr[-500:]
    assert "cannot open its window: the system library libxcb" in done.stderr
    assert "apt-get install" in done.stderr and "Traceback" not in done.stderr
