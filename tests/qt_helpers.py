"""Helpers for driving real Qt widgets in tests."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


@pytest.fixture
def private_folders(tmp_path, monkeypatch):
    """Settings and the user data folder live under tmp_path, never in the real home (a module makes it
    autouse with `pytestmark = pytest.mark.usefixtures("private_folders")` after importing it)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the app's run() installs its own
    yield


def when_dialog_opens(handler):
    """Run `handler(dialog)` once the next modal dialog is up (exec() blocks the test otherwise)."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            handler(dialog)
    QTimer.singleShot(0, poll)
