"""Windows sized for the screen they open on: a 1366x768 laptop shows the whole window, status bar included.

The window manager's frame (title bar, borders) is not known before a window is first shown, so the
sizes chosen before that leave room for it.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = QSize(8, 40)  # a title bar and borders, while the frame is still unknown


def available(window: QWidget) -> QRect:
    """The part of the window's screen that windows may use (without panels and task bars)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_extra(window: QWidget) -> QSize:
    """How much the frame adds to the window's own size (an allowance before the frame is known)."""
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    return extra if window.isVisible() and extra.height() > 0 else FRAME_ALLOWANCE


def fitting_size(window: QWidget, preferred: QSize) -> QSize:
    """`preferred`, made smaller where the screen is smaller (never below the window's minimum)."""
    room, extra = available(window), frame_extra(window)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    width = max(min(preferred.width(), room.width() - extra.width()), minimum.width())
    height = max(min(preferred.height(), room.height() - extra.height()), minimum.height())
    return QSize(width, height)


__all__ = ["fitting_size"]
