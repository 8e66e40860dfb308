"""Search box and filters above the queue; emits the QueueFilter the attorney asked for."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reviewer.domain.vocabulary import ReviewStatus
from reviewer.services.queue import STATUS_CHANGED, STATUS_DONE, Choices, QueueFilter

STATUS_CHOICES = (
    ("", "All"), (ReviewStatus.PENDING.value, "Pending"), (STATUS_DONE, "Done"),
    (ReviewStatus.ACCEPTED.value, "Accepted"), (ReviewStatus.OVERRIDDEN.value, "Overridden"),
    (STATUS_CHANGED, "Suggestion changed since decided"),
)
SEARCH_DELAY_MS = 250


def _combo(name: str, accessible: str, width_chars: int) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(width_chars)
    return combo


class FilterBar(QWidget):
    changed = Signal(object)  # QueueFilter
    chosen = Signal()  # the attorney is done choosing (a list item picked, Enter in the search): back to the queue

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 2)
        outer.setSpacing(4)

        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setAccessibleName("Search by name, CII or court case number")
        self.search.setPlaceholderText("Search name, CII or court case number   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("clearFiltersButton")
        self.clear_button.setAccessibleName("Clear filters")
        top.addWidget(self.clear_button)
        outer.addLayout(top)

        row = QHBoxLayout()
        self.status = _combo("statusFilter", "Status filter", 16)
        for value, label in STATUS_CHOICES:
            self.status.addItem(label, value)
        self.suggestion = _combo("suggestionFilter", "Suggestion filter", 14)
        self.section = _combo("sectionFilter", "Code section filter", 8)
        self.reason = _combo("reasonFilter", "Reason filter", 16)
        self.reviewer = _combo("reviewerFilter", "Reviewer filter", 10)
        # Alt+letter reaches each list; the letters avoid the menus' (File, Review, View, Help).
        for label, combo in (("&Status", self.status), ("Su&ggestion", self.suggestion), ("Se&ction", self.section),
                             ("Reas&on", self.reason), ("Revie&wer", self.reviewer)):
            caption = QLabel(label + ":")
            caption.setBuddy(combo)
            row.addWidget(caption)
            row.addWidget(combo)
            row.addSpacing(6)
        row.addStretch(1)
        outer.addLayout(row)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._emit)
        self.search.returnPressed.connect(self.chosen)
        for combo in (self.status, self.suggestion, self.section, self.reason, self.reviewer):
            combo.currentIndexChanged.connect(self._emit)
            combo.activated.connect(self.chosen)
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.clicked.connect(self.chosen)
        self._quiet = False

    def set_choices(self, choices: Choices) -> None:
        """Fill the lists with what the queue holds, keeping each current choice when it still exists."""
        self._quiet = True
        try:
            for combo, values in ((self.suggestion, choices.suggestions), (self.section, choices.sections),
                                  (self.reason, choices.reasons), (self.reviewer, choices.reviewers)):
                current = combo.currentData()
                combo.clear()
                combo.addItem("All", "")
                for value, label in values:
                    combo.addItem(label, value)
                    combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)  # long policy reasons
                found = combo.findData(current) if current else 0
                combo.setCurrentIndex(max(found, 0))
        finally:
            self._quiet = False

    def add_reviewer(self, name: str) -> None:
        if name and self.reviewer.findData(name) < 0:
            self._quiet = True
            self.reviewer.addItem(name, name)
            self._quiet = False

    def current(self) -> QueueFilter:
        return QueueFilter(
            status=self.status.currentData() or None,
            suggestion=self.suggestion.currentData() or None,
            section=self.section.currentData() or None,
            reason=self.reason.currentData() or None,
            reviewer=self.reviewer.currentData() or None,
            search=self.search.text().strip(),
        )

    def clear(self) -> None:
        self._quiet = True
        try:
            self.search.clear()
            for combo in (self.status, self.suggestion, self.section, self.reason, self.reviewer):
                combo.setCurrentIndex(0)
        finally:
            self._quiet = False
        self._timer.stop()
        self._emit()

    def _typed(self, _text: str) -> None:
        self._timer.start()

    def _emit(self) -> None:
        if not self._quiet:
            self._timer.stop()
            self.changed.emit(self.current())
