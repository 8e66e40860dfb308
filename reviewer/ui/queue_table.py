"""The queue's table: one row a conviction, moved through by row."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

_ROW_ENDS = (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd)


class QueueTable(QTableView):
    """Home and End go to the first and last case (a plain table's Home and End move along the row, which
    shows nothing when whole rows are selected); Ctrl+Home and Ctrl+End do the same."""

    def moveCursor(self, action, modifiers):  # Qt's name
        if action in _ROW_ENDS:
            modifiers = modifiers | Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)
