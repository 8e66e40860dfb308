"""The dashboard: the summary figures with simple charts, refreshed as decisions come in.

Figures are computed in SQL on a worker thread with its own database connection
(services.summary), so a refresh never blocks the window; call `refresh()` after a
decision, and the dashboard also refreshes itself every minute while it is shown (other
reviewers on a shared database). "Export PDF" writes what is on screen as one page.
"""
from __future__ import annotations

import time
from html import escape
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QScrollArea,
    QSizePolicy, QVBoxLayout, QWidget,
)

from reviewer.domain.vocabulary import Outcome, Suggestion
from reviewer.services.progress import Progress, attorney_progress
from reviewer.services.summary import LEVEL_NAMES, LEVELS, RECENT_YEARS, SECTIONS, Figures, export_summary_pdf, summary_figures
from reviewer.ui.workers import JobRunner

AUTO_REFRESH_MS = 60_000  # at least; a database whose figures take longer to compute is refreshed less often
LEVEL_COLOURS = {"F": "#C0392B", "M": "#E67E22", "I": "#F1C40F", "": "#95A5A6"}
BAR_COLOUR = "#305496"


def _compute(db, job):
    figures = summary_figures(db)
    return figures, attorney_progress(db, date.today(), figures.flagged_pending)


class StackedBars(QWidget):
    """Convictions by section (bars) and level (stacked colours), drawn with QPainter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 220)
        self.setAccessibleName("Chart: convictions by section and level")
        self._bars: list[tuple[str, list[tuple[int, str]]]] = []

    def set_figures(self, f: Figures) -> None:
        self._bars = [(f"HS {s}", [(f.section_level.get(s, {}).get(lv, 0), lv) for lv in LEVELS]) for s in SECTIONS]
        self.setToolTip("\n".join(
            f"{label}: " + ", ".join(f"{LEVEL_NAMES[lv]} {n:,}" for n, lv in parts if n) for label, parts in self._bars))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = p.fontMetrics()
        line = metrics.height()
        area = QRectF(8, line + 4, self.width() - 16, self.height() - 3 * line - 16)
        peak = max([sum(n for n, _ in parts) for _, parts in self._bars] + [1])
        slot = area.width() / max(len(self._bars), 1)
        p.setPen(text)
        p.drawLine(int(area.left()), int(area.bottom()), int(area.right()), int(area.bottom()))
        for i, (label, parts) in enumerate(self._bars):
            x = area.left() + i * slot + slot * 0.2
            top = area.bottom()
            for n, level in parts:
                if n:
                    h = area.height() * n / peak
                    top -= h
                    p.fillRect(QRectF(x, top, slot * 0.6, h), QColor(LEVEL_COLOURS[level]))
            total = sum(n for n, _ in parts)
            p.setPen(text)
            p.drawText(QRectF(x - slot * 0.2, top - line - 2, slot, line), Qt.AlignmentFlag.AlignCenter, f"{total:,}")
            p.drawText(QRectF(x - slot * 0.2, area.bottom() + 2, slot, line), Qt.AlignmentFlag.AlignCenter, label)
        x = area.left()
        y = area.bottom() + line + 8
        for level in LEVELS:
            p.fillRect(QRectF(x, y + 3, 10, 10), QColor(LEVEL_COLOURS[level]))
            p.drawText(QRectF(x + 14, y, 100, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       LEVEL_NAMES[level])
            x += 18 + metrics.horizontalAdvance(LEVEL_NAMES[level]) + 12
        p.end()


class HBars(QWidget):
    """Labelled horizontal bars (suggestions, decisions)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"Chart: {name}")
        self._items: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self._items = items
        self.setToolTip("\n".join(f"{label}: {n:,}" for label, n in items))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, (self.fontMetrics().height() + 6) * max(len(self._items), 1))

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = p.fontMetrics()
        row = metrics.height() + 6
        label_w = min(self.width() * 0.55, metrics.horizontalAdvance("Redesignate as misdemeanor") + 16)
        number_w = metrics.horizontalAdvance("0,000,000") + 6
        bar_w = max(self.width() - label_w - number_w, 10)
        peak = max([n for _, n in self._items] + [1])
        for i, (label, n) in enumerate(self._items):
            y = i * row
            p.setPen(text)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w - 6))
            p.drawText(QRectF(0, y, label_w - 6, row), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            length = bar_w * n / peak
            p.fillRect(QRectF(label_w, y + 3, max(length, 1), row - 6), QColor(BAR_COLOUR))
            p.drawText(QRectF(label_w + length + 4, y, number_w, row), Qt.AlignmentFlag.AlignVCenter, f"{n:,}")
        p.end()


class Tile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.value = QLabel("–")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setAccessibleName(caption)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleDescription(text)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


class Dashboard(QWidget):
    """Summary figures and charts; `refresh()` recomputes them off the UI thread."""

    refreshed = Signal()
    failed = Signal(str)

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._db = db
        self._figures: Figures | None = None
        self._again = False
        self._started = 0.0
        self._runner = JobRunner(self)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._timer = QTimer(self)
        self._timer.setInterval(AUTO_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = _heading("Summary")
        self.subtitle = QLabel("Nothing evaluated yet")
        self.subtitle.setObjectName("dashboardSubtitle")
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        self.audit_line = QLabel("")
        self.audit_line.setObjectName("dashboardAudit")
        self.audit_line.setAccessibleName("Audit log check")
        titles.addWidget(self.audit_line)
        top.addLayout(titles, 1)
        self.status = QLabel("")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh the figures")
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.setAccessibleName("Export the dashboard as a one-page PDF")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.pdf_button.setEnabled(False)
        for w in (self.status, self.refresh_button, self.pdf_button):
            top.addWidget(w)
        outer.addLayout(top)

        tiles = QHBoxLayout()
        self.tiles = {key: Tile(caption) for key, caption in (
            ("evaluated", "Convictions evaluated"), ("persons", "Persons"), ("flagged", "Flagged felonies"),
            ("progress", "Queue done"))}
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        outer.addLayout(tiles)

        body = QWidget()
        grid = QGridLayout(body)
        self.sections = StackedBars()
        self.suggestions = HBars("suggestions")
        self.decisions = HBars("decisions")
        grid.addWidget(_heading("Convictions by section and level"), 0, 0)
        grid.addWidget(self.sections, 1, 0, 3, 1)
        grid.addWidget(_heading("Suggestions"), 0, 1)
        grid.addWidget(self.suggestions, 1, 1)
        grid.addWidget(_heading("Decisions"), 2, 1)
        grid.addWidget(self.decisions, 3, 1)
        grid.addWidget(_heading("Review queue"), 4, 0, 1, 2)
        self.queue_text = QLabel()
        self.queue_text.setWordWrap(True)
        self.queue_bar = QProgressBar()
        self.queue_bar.setAccessibleName("Share of flagged felonies decided")
        self.queue_bar.setRange(0, 1000)
        self.queue_bar.setFormat("%p%")
        grid.addWidget(self.queue_text, 5, 0, 1, 2)
        grid.addWidget(self.queue_bar, 6, 0, 1, 2)
        self.progress_text = QLabel("")
        self.progress_text.setObjectName("attorneyProgress")
        self.progress_text.setTextFormat(Qt.TextFormat.RichText)
        self.progress_text.setWordWrap(True)
        grid.addWidget(self.progress_text, 10, 0, 1, 2)
        grid.addWidget(_heading("People"), 7, 0, 1, 2)
        people = QGridLayout()
        people.addWidget(QLabel(""), 0, 0)
        for col, text in ((1, "If suggestions are accepted"), (2, "By decisions so far")):
            label = QLabel(f"<b>{text}</b>")
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            people.addWidget(label, 0, col)
        self.people: dict[str, tuple[QLabel, QLabel]] = {}
        rows = (("persons", "Persons with an evaluated conviction"), ("no_felony", "Will no longer have a felony"),
                ("no_conviction", "Will have no conviction at all"),
                ("no_recent_conviction", f"Will have no conviction in the last {RECENT_YEARS} years"))
        for r, (key, text) in enumerate(rows, start=1):
            people.addWidget(QLabel(text), r, 0)
            cells = (QLabel("–"), QLabel("–"))
            for c, cell in enumerate(cells, start=1):
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                people.addWidget(cell, r, c)
            self.people[key] = cells
        grid.addLayout(people, 8, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(_heading("Progress by attorney"), 9, 0, 1, 2)
        grid.setRowStretch(11, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    # --- data -----------------------------------------------------------------------------

    @property
    def figures(self) -> Figures | None:
        return self._figures

    def refresh(self) -> None:
        """Recompute on a worker; a refresh asked for while one runs is done right after it."""
        if self._runner.busy:
            self._again = True
            return
        self.status.setText("Updating…")
        self._started = time.monotonic()
        self._runner.start("Summary", self._db.url, _compute)

    def _on_finished(self, _title: str, result: tuple[Figures, Progress]) -> None:
        seconds = time.monotonic() - self._started
        self._timer.setInterval(max(AUTO_REFRESH_MS, int(seconds * 20_000)))
        figures, progress = result
        self.set_figures(figures)
        self.set_progress(progress)
        self.status.setText("")
        if self._again:
            self._again = False
            self.refresh()
        else:
            self.refreshed.emit()

    def _on_failed(self, _title: str, message: str) -> None:
        self.status.setText("Could not update the figures")
        self.status.setToolTip(message)
        self._again = False
        self.failed.emit(message)

    def set_figures(self, f: Figures) -> None:
        self._figures = f
        self.pdf_button.setEnabled(True)
        if f.evaluated:
            when = f" as of {f.as_of.isoformat()}" if f.as_of else ""
            self.subtitle.setText(f"{f.county.title()} County{when} — {f.policy}")
        else:
            self.subtitle.setText("Nothing evaluated yet")
        self.audit_line.setText(f.audit)
        self.audit_line.setStyleSheet("" if f.audit.startswith("Audit log verified") else "color: #a4262c;")
        self.tiles["evaluated"].set_value(f"{f.evaluated:,}")
        self.tiles["persons"].set_value(f"{f.persons:,}")
        self.tiles["flagged"].set_value(f"{f.flagged:,}")
        self.tiles["progress"].set_value(f"{f.progress:.0%}")
        self.sections.set_figures(f)
        self.suggestions.set_items([(s.label, f.suggestions.get(s.value, 0)) for s in Suggestion])
        self.decisions.set_items([(o.label, f.decisions.get(o.value, 0)) for o in Outcome] + [("Pending", f.pending)])
        self.queue_text.setText(
            f"Flagged felonies decided: {f.flagged_decided:,} of {f.flagged:,} (pending {f.flagged_pending:,}, "
            f"{f.attention_pending:,} need attention first). All evaluated convictions decided: "
            f"{f.decided:,} of {f.evaluated:,}.")
        self.queue_bar.setValue(round(f.progress * 1000))
        self.people["persons"][0].setText(f"{f.persons:,}")
        self.people["persons"][1].setText(f"{f.persons:,}")
        for key in ("no_felony", "no_conviction", "no_recent_conviction"):
            self.people[key][0].setText(f"{getattr(f.projected, key):,}")
            self.people[key][1].setText(f"{getattr(f.confirmed, key):,}")

    def set_progress(self, p: Progress) -> None:
        """Decisions per attorney today and this week, the pace, and when the queue is done at that pace."""
        self.progress = p
        rows = "".join(f"<tr><td>{escape(a.name)}&nbsp;&nbsp;</td><td align=right>{a.today:,}</td>"
                       f"<td align=right>{a.this_week:,}</td></tr>" for a in p.attorneys)
        table = (f"<table><tr><th align=left>Attorney</th><th>&nbsp;Today</th><th>&nbsp;This week</th></tr>{rows}"
                 "</table>") if rows else "<p>No decisions yet this week.</p>"
        if p.pending == 0:
            finish = "The queue is done."
        elif p.finish is None:
            finish = f"{p.pending:,} pending; no pace yet to project a finish date (no decisions in the last 7 days)."
        else:
            finish = (f"{p.pending:,} pending at {p.per_day:,.0f} decisions a day (the last 7 days' working days): "
                      f"projected finish <b>{p.finish:%A %Y-%m-%d}</b>.")
        self.progress_text.setText(f"{table}<p>{finish}</p>")

    def export_pdf(self, path: str | Path | None = None) -> Path | None:
        """Write the figures on screen as a one-page PDF (asks where when no path is given)."""
        if self._figures is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export the dashboard", "summary.pdf", "PDF files (*.pdf)")
            if not chosen:
                return None
            path = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
        try:
            return export_summary_pdf(self._db, path, self._figures)
        except OSError as exc:
            QMessageBox.warning(self, "Export PDF", f"The PDF could not be written: {exc.strerror or exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - a message for the user, never a traceback
            QMessageBox.warning(self, "Export PDF", f"The PDF could not be written ({type(exc).__name__}).")
            return None

    # --- life cycle -----------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._timer.start()
        if self._figures is None:
            self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802
        self._timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self._timer.stop()
        self._runner.wait(10_000)
        super().closeEvent(event)
