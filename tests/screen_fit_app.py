"""Run by tests/test_ui_screen_fit.py in a subprocess on a configured offscreen screen (1366x768, 1920x1080):
open the main window as Reviewer does, report where it and its status bar are, optionally move/resize or
maximise it, and close it (which saves the layout), all as JSON on stdout."""
from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from reviewer.ui import open_main_window
from reviewer.ui.settings import Settings


def main(database: str, settings_file: str, change: str) -> None:
    app = QApplication([])
    settings = Settings(QSettings(settings_file, QSettings.Format.IniFormat))
    window = open_main_window(database, "A. Deputy", "attorney", bar_number="123456", settings=settings)
    app.processEvents()
    bar = window.statusBar()
    bottom_left = bar.mapToGlobal(bar.rect().bottomLeft())
    report = {
        "screen": window.screen().availableGeometry().getRect(),
        "geometry": window.geometry().getRect(),
        "frame": window.frameGeometry().getRect(),
        "maximized": window.isMaximized(),
        "status_bar_bottom": bottom_left.y(),
        "status_bar_height": bar.height(),
        "status_bar_wants": bar.sizeHint().height(),
    }
    if change == "maximize":
        window.showMaximized()
    elif change:
        x, y, w, h = (int(v) for v in change.split(","))
        window.setGeometry(x, y, w, h)
    app.processEvents()
    window.close()
    app.processEvents()
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:4])
