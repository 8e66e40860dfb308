"""The queue table's model: a windowed cache over the queue, one page of rows fetched at a time.

The model holds the current view (conviction ids in display order, from the in-memory
queue index) and asks the services for the rows of a page only when a view paints it.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from reviewer.domain.vocabulary import Outcome, ReviewStatus, Suggestion
from reviewer.services.queue import QueueFilter, QueueRow, QueueService, QueueView

PAGE = 200
MAX_PAGES = 40

# (header, sort key, width in pixels)
COLUMNS = (
    ("Person", "person", 175),
    ("Suggestion", "suggestion", 170),
    ("Status", "status", 86),
    ("Code section", "code_section", 120),
    ("Disposition", "disposition_date", 86),
    ("Court case", "court_case", 100),
    ("DOB", "dob", 86),
    ("Reviewer", "reviewer", 120),
)
PERSON, SUGGESTION, STATUS, CODE_SECTION, DISPOSITION, COURT_CASE, DOB, REVIEWER = range(len(COLUMNS))
STATUS_LABELS = {ReviewStatus.PENDING.value: "Pending", ReviewStatus.ACCEPTED.value: "Accepted",
                 ReviewStatus.OVERRIDDEN.value: "Overridden"}
STATUS_COLORS = {ReviewStatus.ACCEPTED.value: QColor("#1b6e33"), ReviewStatus.OVERRIDDEN.value: QColor("#8a4b00")}
SUGGESTION_COLORS = {Suggestion.NEEDS_REVIEW.value: QColor("#8a4b00"), Suggestion.NOT_ELIGIBLE.value: QColor("#a4262c")}
CONVICTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _date(value) -> str:
    return value.isoformat() if value else ""


def suggestion_label(value: str) -> str:
    try:
        return Suggestion(value).label
    except ValueError:
        return value


class QueueModel(QAbstractTableModel):
    view_changed = Signal()

    def __init__(self, service: QueueService, parent=None) -> None:
        super().__init__(parent)
        self._service = service
        self._filter = QueueFilter()
        self._sort: str | None = None
        self._descending = False
        self._view: QueueView = service.view(self._filter)
        self._pages: OrderedDict[int, list[QueueRow | None]] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)

    # --- what is shown -------------------------------------------------------------------------

    @property
    def view(self) -> QueueView:
        return self._view

    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    @property
    def sort_key(self) -> str | None:
        return self._sort

    def set_service(self, service: QueueService) -> None:
        self._service = service
        self.refresh()

    def set_filter(self, flt: QueueFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Recompute the view from the index (after a filter, sort or reload)."""
        self.beginResetModel()
        self._view = self._service.view(self._filter, self._sort, self._descending)
        self._pages.clear()
        self.endResetModel()
        self.view_changed.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    # --- rows ----------------------------------------------------------------------------------

    def conviction_id(self, row: int) -> int | None:
        return self._view.conviction_id(row) if 0 <= row < len(self._view) else None

    def row_of(self, conviction_id: int) -> int | None:
        return self._view.row_of(conviction_id)

    def queue_row(self, row: int) -> QueueRow | None:
        if not 0 <= row < len(self._view):
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * PAGE]

    def _fetch(self, page_no: int) -> list[QueueRow | None]:
        ids = self._view.conviction_ids(page_no * PAGE, (page_no + 1) * PAGE)
        found = self._service.rows(ids)
        page = [found.get(cid) for cid in ids]
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def reload_row(self, conviction_id: int) -> None:
        """Read one row again from the database (after a decision on it) and repaint it."""
        row = self.row_of(conviction_id)
        if row is None:
            return
        page = self._pages.get(row // PAGE)
        if page is not None:
            page[row % PAGE] = self._service.rows([conviction_id]).get(conviction_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def mark_row(self, conviction_id: int, status: str, outcome: Outcome | None, decided_by: str) -> None:
        """Show a decision just made without another query (the index already knows it)."""
        row = self.row_of(conviction_id)
        if row is None:
            return
        page = self._pages.get(row // PAGE)
        if page is not None and page[row % PAGE] is not None:
            old = page[row % PAGE]
            page[row % PAGE] = replace(old, status=status, outcome=outcome.value if outcome else None,
                                       decided_by=decided_by, version=old.version + 1)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {COLUMNS[section][0].lower()} (View > Queue order restores the default)"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._view) or index.column() >= len(COLUMNS):
            return None
        if role == CONVICTION_ID_ROLE:
            return self._view.conviction_id(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.FontRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        row = self.queue_row(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = (STATUS_COLORS.get(row.status) if column == STATUS
                     else SUGGESTION_COLORS.get(row.suggestion) if column == SUGGESTION else None)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.FontRole and column == SUGGESTION and row.priority == 0:
            return self._bold  # needs review or hits a disqualifier: comes first
        return None

    @staticmethod
    def _text(row: QueueRow, column: int) -> str:
        if column == PERSON:
            return row.name
        if column == SUGGESTION:
            return suggestion_label(row.suggestion)
        if column == STATUS:
            return STATUS_LABELS.get(row.status, row.status)
        if column == CODE_SECTION:
            return row.code_section
        if column == DISPOSITION:
            return _date(row.disposition_date)
        if column == COURT_CASE:
            return row.court_case
        if column == DOB:
            return _date(row.dob)
        return row.decided_by

    @staticmethod
    def _tooltip(row: QueueRow, column: int) -> str | None:
        if column == STATUS and row.outcome:
            try:
                return f"{STATUS_LABELS.get(row.status, row.status)}: {Outcome(row.outcome).label}"
            except ValueError:
                return row.outcome
        if row.priority == 0 and row.status == ReviewStatus.PENDING.value:
            return "Comes first: needs review or hits a disqualifier"
        return None
