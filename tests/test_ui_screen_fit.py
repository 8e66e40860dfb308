"""Issue 12, point 3: on a 1366x768 screen the whole main window shows (status bar included), a saved window
comes back where and as large as it was (made to fit a smaller screen), and the print center can shrink to the
screen after a preview, its buttons on screen.

The main window runs in a subprocess on a configured offscreen screen of the size in question, the way
Reviewer opens it (Qt's offscreen platform takes its screens from a JSON file)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role
from reviewer.services.demo import build_demo_database
from reviewer.store.database import Database
from reviewer.ui.print_center import PrintCenter
from tests.printing_fixtures import gogen_template  # noqa: F401 - fixture

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
APP = Path(__file__).with_name("screen_fit_app.py")
ROOT = APP.parents[1]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "demo.db"
    build_demo_database(path, rows=600)
    return path


def screen_config(tmp_path: Path, width: int, height: int) -> str:
    path = tmp_path / f"screen-{width}x{height}.json"
    path.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "logicalBaseDpi": 96,
         "dpr": 1}]}))
    return str(path)


def run_window(tmp_path, db, screen: tuple[int, int], change: str = "") -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen_config(tmp_path, *screen)}"}
    done = subprocess.run([sys.executable, str(APP), str(db), str(tmp_path / "settings.ini"), change],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def on_screen(report: dict) -> bool:
    sx, sy, sw, sh = report["screen"]
    x, y, w, h = report["frame"]
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh


def test_first_start_on_a_laptop_shows_the_whole_window_and_its_status_bar(tmp_path, demo_db):
    report = run_window(tmp_path, demo_db, (1366, 768))
    assert on_screen(report), report
    # The offscreen frame is 2 px; a desktop's title bar is 25-37 px more: the window leaves room for it.
    assert report["frame"][1] + report["frame"][3] + 36 <= 768, report
    assert report["status_bar_bottom"] < 768, "the status bar is not cut off at the bottom of the screen"
    assert report["status_bar_height"] >= report["status_bar_wants"]


def test_a_saved_window_comes_back_as_it_was(tmp_path, demo_db):
    run_window(tmp_path, demo_db, (1366, 768), change="60,50,1180,640")
    again = run_window(tmp_path, demo_db, (1366, 768))
    assert again["geometry"] == [60, 50, 1180, 640]
    assert not again["maximized"]
    run_window(tmp_path, demo_db, (1366, 768), change="maximize")
    assert run_window(tmp_path, demo_db, (1366, 768))["maximized"]


def test_a_window_saved_on_a_large_screen_fits_a_laptop(tmp_path, demo_db):
    run_window(tmp_path, demo_db, (1920, 1080), change="300,120,1600,940")
    big = run_window(tmp_path, demo_db, (1920, 1080))
    assert big["geometry"] == [300, 120, 1600, 940]
    small = run_window(tmp_path, demo_db, (1366, 768))
    assert on_screen(small), small
    assert small["status_bar_bottom"] < 768


def test_print_center_shrinks_to_a_laptop_screen_after_a_preview(qtbot, gogen_template, tmp_path):  # noqa: F811
    path = tmp_path / "r.db"
    shutil.copy(gogen_template, path)
    db = Database(path)
    center = PrintCenter(db, User("C. Clerk", Role.CLERK))
    qtbot.addWidget(center)
    center.resize(1280, 700)
    center.show()
    center.table.setFocus()
    qtbot.keyClick(center.table, Qt.Key.Key_Home)  # the first case, selected from the keyboard
    qtbot.mouseClick(center.preview_button, Qt.MouseButton.LeftButton)
    assert center.open_preview_button.isEnabled(), center.preview_text.toPlainText()
    if shutil.which("pdftoppm"):
        assert not center.preview_image.pixmap().isNull(), "page 1 is shown as a picture"
    assert center.minimumSizeHint().height() <= 768 - 40 - 60, "room for a title bar and a task bar"
    center.resize(1280, 640)
    qtbot.wait(10)
    assert center.height() == 640
    for button in (center.preview_button, center.print_button, center.filed_button):
        bottom = button.mapTo(center, button.rect().bottomLeft()).y()
        assert button.isVisible() and bottom < center.height(), f"{button.text()} stays in the window"
    center.close()
    db.dispose()
