"""Helpers for driving real Qt widgets in tests."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_dialog_opens(handler):
    """Run `handler(dialog)` once the next modal dialog is up (exec() blocks the test otherwise)."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            handler(dialog)
    QTimer.singleShot(0, poll)
