"""The queue table's model: a windowed cache over the queue, one page of rows fetched at a time.

The model holds the current view (conviction ids in display order, from the in-memory
queue index) and asks the services for the rows of a page only when a view paints it.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from reviewer.domain.vocabulary import Outcome, ReviewStatus, Suggestion
from reviewer.services.queue import QueueFilter, QueueIndex, QueueRow, QueueService, QueueView

EMPTY = QueueIndex.empty()
PAGE = 200
MAX_PAGES = 40

# (header, sort key, width in pixels)
COLUMNS = (
    ("Person", "person", 175),
    ("Suggestion", "suggestion", 170),
    ("Status", "status", 86),
    ("Changed since decided", "changed", 150),
    ("Code section", "code_section", 120),
    ("Disposition", "disposition_date", 86),
    ("Court case", "court_case", 100),
    ("DOB", "dob", 86),
    ("Reviewer", "reviewer", 120),
)
PERSON, SUGGESTION, STATUS, CHANGED, CODE_SECTION, DISPOSITION, COURT_CASE, DOB, REVIEWER = range(len(COLUMNS))
# The marker of a decided conviction whose suggestion a re-evaluation has changed since (the decision stands).
CHANGED_MARK = "\u26a0 was "
CHANGED_COLOR = QColor("#8a4b00")
CHANGED_BACKGROUND = QColor("#fbe3c0")
STATUS_LABELS = {ReviewStatus.PENDING.value: "Pending", ReviewStatus.ACCEPTED.value: "Accepted",
                 ReviewStatus.OVERRIDDEN.value: "Overridden"}
STATUS_COLORS = {ReviewStatus.ACCEPTED.value: QColor("#1b6e33"), ReviewStatus.OVERRIDDEN.value: QColor("#8a4b00")}
SUGGESTION_COLORS = {Suggestion.NEEDS_REVIEW.value: QColor("#8a4b00"), Suggestion.NOT_ELIGIBLE.value: QColor("#a4262c")}
CONVICTION_ID_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1


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
        self._view: QueueView = EMPTY.view()  # refresh() shows the queue once the service has read it
        self._pages: OrderedDict[int, list[_Cells | None]] = OrderedDict()

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
        cells = self._cells(row)
        return cells.row if cells is not None else None

    def _cells(self, row: int) -> "_Cells | None":
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            if not 0 <= row < len(self._view):
                return None
            page = self._fetch(page_no)
        return page[row - page_no * PAGE]

    def _fetch(self, page_no: int) -> list["_Cells | None"]:
        ids = self._view.conviction_ids(page_no * PAGE, (page_no + 1) * PAGE)
        found = self._service.rows(ids)
        page = [_Cells(found[cid]) if cid in found else None for cid in ids]
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _put(self, row: int, value: QueueRow | None) -> None:
        page = self._pages.get(row // PAGE)
        if page is not None:
            page[row % PAGE] = _Cells(value) if value is not None else None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def reload_row(self, conviction_id: int) -> None:
        """Read one row again from the database (after a decision on it) and repaint it."""
        row = self.row_of(conviction_id)
        if row is not None:
            self._put(row, self._service.rows([conviction_id]).get(conviction_id))

    def reload_rows(self, conviction_ids, read: dict | None = None) -> None:
        """Several rows read again in one query (a person's counts after an answer re-evaluated them), or
        taken from `read` where the service has just read them."""
        shown = [(cid, self.row_of(cid)) for cid in conviction_ids]
        shown = [(cid, row) for cid, row in shown if row is not None]
        if shown:
            found = read if read is not None and all(cid in read for cid, _ in shown) else \
                self._service.rows([cid for cid, _ in shown])
            for cid, row in shown:
                self._put(row, found.get(cid))

    def mark_row(self, conviction_id: int, status: str, outcome: Outcome | None, decided_by: str) -> None:
        """Show a decision just made without another query (the index already knows it)."""
        row = self.row_of(conviction_id)
        if row is None:
            return
        cells = self._cells(row)
        if cells is not None:
            old = cells.row
            self._put(row, replace(old, status=status, outcome=outcome.value if outcome else None,
                                   decided_by=decided_by, version=old.version + 1, suggestion_changed=False,
                                   decided_suggestion=old.suggestion))

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
                if section == CHANGED:
                    return ("Suggestion changed since decided: a re-evaluation suggests something else than the "
                            "decision answered; the decision stands. Sort to bring them together, or choose "
                            "Status: Suggestion changed.")
                return f"Sort by {COLUMNS[section][0].lower()} (View > Queue order restores the default)"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Called for every role of every visible cell at each paint: answer the common "no" first.
        kind = _ROLES.get(role)
        if kind is None or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if kind == _ID:
            return self._view.conviction_id(row) if row < len(self._view) else None
        cells = self._cells(row)
        if cells is None:
            return "…" if kind == _TEXT else None
        if kind == _TEXT:
            return cells.texts[column]
        if kind == _FOREGROUND:
            return cells.brushes[column]
        if kind == _BACKGROUND:
            return _CHANGED_BRUSH if column == CHANGED and cells.row.suggestion_changed else None
        return cells.tooltip(column)


class _Cells:
    """One row, formatted once when its page is fetched."""

    __slots__ = ("row", "texts", "brushes")

    def __init__(self, row: QueueRow) -> None:
        self.row = row
        changed = CHANGED_MARK + suggestion_label(row.decided_suggestion or "") if row.suggestion_changed else ""
        self.texts = (
            row.name, suggestion_label(row.suggestion), STATUS_LABELS.get(row.status, row.status), changed,
            row.code_section, _date(row.disposition_date), row.court_case, _date(row.dob), row.decided_by,
        )
        brushes: list[QBrush | None] = [None] * len(COLUMNS)
        brushes[SUGGESTION] = _SUGGESTION_BRUSHES.get(row.suggestion)
        brushes[STATUS] = _STATUS_BRUSHES.get(row.status)
        brushes[CHANGED] = _CHANGED_TEXT_BRUSH if row.suggestion_changed else None
        self.brushes = tuple(brushes)

    def tooltip(self, column: int) -> str | None:
        row = self.row
        changed = (f"Suggestion changed since decided: was {suggestion_label(row.decided_suggestion or '')}, now "
                   f"{suggestion_label(row.suggestion)}. The decision stands; decide again to answer the new "
                   "suggestion.") if row.suggestion_changed else ""
        if column == STATUS and row.outcome:
            try:
                decided = f"{STATUS_LABELS.get(row.status, row.status)}: {Outcome(row.outcome).label}"
            except ValueError:
                decided = row.outcome
            return f"{decided}\n{changed}" if changed else decided
        if changed and column in (SUGGESTION, CHANGED):
            return changed
        if row.priority == 0 and row.status == ReviewStatus.PENDING.value:
            return "Comes first: needs review or hits a disqualifier"
        return self.texts[column] or None


_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_TEXT, _FOREGROUND, _TOOLTIP, _ID, _BACKGROUND = range(5)
_ROLES = {
    int(Qt.ItemDataRole.DisplayRole.value): _TEXT, int(Qt.ItemDataRole.AccessibleTextRole.value): _TEXT,
    int(Qt.ItemDataRole.ForegroundRole.value): _FOREGROUND, int(Qt.ItemDataRole.BackgroundRole.value): _BACKGROUND,
    int(Qt.ItemDataRole.ToolTipRole.value): _TOOLTIP, int(CONVICTION_ID_ROLE): _ID,
}
_SUGGESTION_BRUSHES = {key: QBrush(color) for key, color in SUGGESTION_COLORS.items()}
_STATUS_BRUSHES = {key: QBrush(color) for key, color in STATUS_COLORS.items()}
_CHANGED_TEXT_BRUSH = QBrush(CHANGED_COLOR)
_CHANGED_BRUSH = QBrush(CHANGED_BACKGROUND)
