"""Small bars: the running job's progress with Cancel, and a message line for outcomes and refusals."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QWidget

MESSAGE_STYLES = {
    "info": "background:#e8f1fb; color:#1d3b5c;",
    "warning": "background:#fff4d6; color:#5c3d00;",
    "error": "background:#fbe4e4; color:#7a1c1c;",
    # a challenge named by the first A after an answer, waiting for a second A (or Enter)
    "confirm": "background:#fbe4e4; color:#7a1c1c; border-top:2px solid #a4262c; font-weight:bold;",
}
INFO_SECONDS = 10


class JobBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        self.label = QLabel()
        self.label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setAccessibleName("Progress of the running job")
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelJobButton")
        self.cancel_button.setAccessibleName("Cancel the running job")
        for widget in (self.label, self.progress, self.cancel_button):
            layout.addWidget(widget)
        self.setVisible(False)

    def start(self, title: str) -> None:
        self.label.setText(title + "…")
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.setVisible(True)

    def set_progress(self, done: int, total: int, what: str) -> None:
        if what:
            self.label.setText(what + "…")
        if total > 0 and done > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:  # a step that cannot say how far it is (reading a file): a moving bar, not a stuck 0 %
            self.progress.setRange(0, 0)

    def set_cancelling(self, text: str = "Stopping after the current step; nothing from this job is kept…") -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.label.setText(text)

    def stop(self) -> None:
        self.setVisible(False)


class MessageBar(QFrame):
    """One message at a time, laid over the foot of the case (just above the decision buttons it is about);
    info fades after a while, warnings and errors stay. It takes no line of its own: the case never moves
    when a message comes or goes and no empty band stays above it (nor is the case laid out again: ~3 ms
    of each answer-and-advance on 1366x768)."""

    covering = Signal(int)  # how far it reaches up from the foot of its anchor, in pixels (0: hidden)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setAccessibleName("Message")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = self._styled = ""
        self._anchor: QWidget | None = None
        self.hide()

    def overlay(self, anchor: QWidget) -> None:
        """Lie over the bottom edge of `anchor` (its child, outside its layout), following its size."""
        self._anchor = anchor
        self.setParent(anchor)
        anchor.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched, event) -> bool:  # the anchor resized: the bar follows
        if watched is self._anchor and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        if self._anchor is None:
            return
        inner = self._anchor.contentsRect()  # within the anchor's margins: aligned with the case's text
        layout = self._anchor.layout()
        if layout is not None:
            inner = inner.marginsRemoved(layout.contentsMargins())
        width = inner.width()
        height = self.layout().totalHeightForWidth(width) if self.layout().hasHeightForWidth() else \
            self.sizeHint().height()
        self.setGeometry(inner.left(), self._anchor.height() - height, width, height)
        self.raise_()
        self.covering.emit(height)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self._anchor is not None:
            self.covering.emit(0)

    def show_text(self, text: str, kind: str = "info", sticky: bool = False) -> None:
        self.kind = kind
        self.label.setText(text)
        if kind != self._styled:  # a style sheet set again polishes the bar again, even when it is the same
            self.setStyleSheet(f"#messageBar {{ {MESSAGE_STYLES.get(kind, '')} }}")
            self._styled = kind
        self._place()
        self.show()
        self._timer.stop()
        if kind == "info" and not sticky:
            self._timer.start(INFO_SECONDS * 1000)

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()
