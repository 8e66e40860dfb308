"""California pleading paper (Rules of Court 2.100-2.119) on a reportlab canvas.

US Letter; 28 lines numbered at the left margin, 24 pt apart (three to the inch), each
page restarting at 1; a double rule between the numbers and the text and a single rule on
the right; text no smaller than 12 pt, left margin 1.5 in, right margin more than 0.5 in;
at the bottom the page number and, under a rule, the document's title in 10 pt.

Positions on a page are counted in half-line "slots": slot 2(n-1) is the baseline of line
n, the odd slots lie halfway (single-spaced text such as the attorney block). Body text is
double-spaced and always sits on a numbered line.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import LETTER

from reviewer.documents.fonts import BOLD, Pen, seed, width, wrap

PAGE_W, PAGE_H = LETTER
LINES = 28
PITCH = 24.0
LINE1_Y = 712.0  # baseline of line 1: text starts 1 inch from the top
SLOTS = 2 * LINES
NUMBER_X = 92.0  # line numbers right-aligned here
RULE_X = (99.0, 101.5)  # double rule left of the text
RIGHT_RULE_X = 576.0  # single rule 0.5 in from the right edge
LEFT = 108.0  # text starts 1.5 in from the left edge
RIGHT = 568.0
TEXT_W = RIGHT - LEFT
CENTRE = (LEFT + RIGHT) / 2
MIN_FIT_SIZE = 4.0  # the smallest a fitted line is set (points): past the margin is worse
CAPTION_SPLIT = 336.0  # the caption's ")" column; right of it: case number and title
SIZE = 12.0
FOOTER_SIZE = 10.0
KEEP_WITH_RESERVE = 2  # lines of a paragraph that go to the next page with what follows it (a signature)
HEAD_ABOVE = 30.0
BANNER_Y = 770.0  # first banner's baseline (top margin, above the running head)
BANNER_PITCH = 15.0  # the running head's baseline above line 1 (inside the 1 in top margin)


def slot_y(slot: int) -> float:
    return LINE1_Y - slot * PITCH / 2


@dataclass
class Cell:
    lines: list[str]
    bold: bool = False
    align: str = "left"
    breaks: tuple[int, ...] = ()  # lines a row taller than a page is best continued from (a count's first line)


def _rest(cell: Cell, at: int) -> Cell:
    """What a row continued on the next page shows from line `at` on; a cell with nothing more to say (the row's
    number, the name) shows itself again, so that the continuation names its row."""
    if len(cell.lines) <= at:
        return cell
    return Cell(cell.lines[at:], cell.bold, cell.align, tuple(b - at for b in cell.breaks if b > at))


class PleadingWriter:
    """Writes one or more documents on pleading paper into one canvas, page by page."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.pen = Pen(canvas)
        self.slot = 0
        self.page = 0
        self.pages_total = 0
        self.footer = ""
        self.marks: list[tuple[str, int]] = []  # (document or part, its first page from 0) for bookmarks
        self.running_head: tuple[str, str] = ("", "")  # (defendant, case number) atop every page after the first
        self.on_new_page = None  # called after the frame of each continuation page is drawn
        self.banners: list[str] = []  # marks atop every page of a paper not to be filed as it is (documents.readiness)
        self.watermark = ""  # set large and light across every page, under the text (example office details)
        self._open = False
        self._form = False
        seed(canvas)

    # --- pages -------------------------------------------------------------------------
    def start_document(self, footer_title: str, running_head: tuple[str, str] = ("", ""), bookmark: str = "") -> None:
        """A new document starts on a new page, numbered 1; every later page names the case at its top."""
        self._close_page()
        self.footer = footer_title
        self.running_head = running_head
        self.page = 0
        self._new_page()
        if bookmark:
            self.mark(bookmark)

    def mark(self, title: str) -> None:
        """Bookmark the current page (the combined file lists it under the case)."""
        self.marks.append((title, self.pages_total - 1))

    def finish(self) -> None:
        self._close_page()

    def _close_page(self) -> None:
        if self._open:
            self.pen.flush()
            self.canvas.showPage()
            self._open = False

    def _new_page(self) -> None:
        self._close_page()
        self.page += 1
        self.pages_total += 1
        self.slot = 0
        self._open = True
        self._frame()

    def _frame(self) -> None:
        """The rules and line numbers, drawn once per file as a form and placed on every page."""
        c = self.canvas
        if not self._form:
            c.beginForm("pleading-frame")
            self._draw_rules_and_numbers()
            self.pen.flush()
            c.endForm()
            self._form = True
        c.doForm("pleading-frame")
        if self.watermark:
            self._watermark()
        self.pen.centre(CENTRE, 44, str(self.page), SIZE)
        c.setLineWidth(0.6)
        c.line(LEFT, 38, RIGHT, 38)
        title = self.footer
        while title and width(title, FOOTER_SIZE) > TEXT_W:
            title = title[:-2] + "\u2026"
        self.pen.centre(CENTRE, 27, title, FOOTER_SIZE)
        if self.page > 1 and any(self.running_head):
            self._running_head()
        for i, text in enumerate(self.banners):
            self._banner(BANNER_Y - i * BANNER_PITCH, text)

    def _watermark(self) -> None:
        c = self.canvas
        c.saveState()
        c.setFillGray(0.8)
        c.translate(PAGE_W / 2, PAGE_H / 2)
        c.rotate(55)
        size = 60.0
        while size > 20 and width(self.watermark, size, True) > PAGE_H * 0.85:
            size -= 2
        c.setFont(BOLD, size)
        c.drawCentredString(0, -size / 3, self.watermark)
        c.restoreState()

    def _banner(self, y: float, text: str) -> None:
        """A boxed bold line in the top margin, above the running head."""
        size = SIZE
        while size > MIN_FIT_SIZE and width(text, size, True) > TEXT_W - 12:
            size -= 0.5
        self.pen.centre(CENTRE, y, text, size, True)
        self.canvas.setLineWidth(1.2)
        self.canvas.rect(LEFT, y - 4, TEXT_W, BANNER_PITCH - 1, stroke=1, fill=0)

    def _running_head(self) -> None:
        """Defendant on the left, case number on the right, above line 1, on every page after the first."""
        defendant, number = self.running_head
        y = LINE1_Y + HEAD_ABOVE
        number_w = width(number, SIZE)
        room = TEXT_W - number_w - 18
        while defendant and width(defendant, SIZE) > room:
            defendant = defendant[:-2] + "\u2026"
        self.pen.text(LEFT, y, defendant, SIZE)
        self.pen.right(RIGHT, y, number, SIZE)
        self.canvas.setLineWidth(0.4)
        self.canvas.line(LEFT, y - 5, RIGHT, y - 5)

    def _draw_rules_and_numbers(self) -> None:
        c = self.canvas
        c.setLineWidth(0.6)
        c.line(RULE_X[0], 0, RULE_X[0], PAGE_H)
        c.line(RULE_X[1], 0, RULE_X[1], PAGE_H)
        c.setLineWidth(0.4)
        c.line(RIGHT_RULE_X, 0, RIGHT_RULE_X, PAGE_H)
        for n in range(1, LINES + 1):
            self.pen.right(NUMBER_X, slot_y(2 * (n - 1)), str(n))

    def new_page(self) -> None:
        self._new_page()
        if self.on_new_page is not None:
            self.on_new_page(self)

    def ensure(self, slots: int) -> None:
        """Start a new page unless `slots` half-lines still fit on this one."""
        if self.slot + slots > SLOTS:
            self.new_page()

    def to_line(self) -> None:
        """Move down to the next numbered line (no-op when already on one)."""
        if self.slot % 2:
            self.slot += 1

    @property
    def slots_left(self) -> int:
        return SLOTS - self.slot

    # --- text --------------------------------------------------------------------------
    def at(self, slot: int, x: float, text: str, bold: bool = False, align: str = "left", size: float = SIZE) -> None:
        y = slot_y(slot)
        if align == "centre":
            self.pen.centre(x, y, text, size, bold)
        elif align == "right":
            self.pen.right(x, y, text, size, bold)
        else:
            # A line of the right margin is never crossed: a long name (a district attorney's, an address)
            # is set smaller to fit, down to MIN_FIT_SIZE.
            room = RIGHT - x
            wide = width(text, size, bold)
            if wide > room > 0:
                size = max(MIN_FIT_SIZE, size * room / wide)
            self.pen.text(x, y, text, size, bold)

    def paragraph(self, text: str, indent: float = 36.0, bold: bool = False, align: str = "left",
                  left: float = LEFT, right: float = RIGHT, spacing: int = 2, keep: int = 1,
                  reserve: int = 0) -> None:
        """Wrapped text, one line per numbered line (spacing 2) or per half-line (spacing 1).

        `keep`: lines kept together at the start; `reserve`: half-lines that must follow the whole
        paragraph on the same page (a signature is never left alone on a page): the paragraph moves to
        the next page with it, or, longer than a page, its last lines do."""
        if spacing == 2:
            self.to_line()
        lines = wrap(text, right - left, SIZE, bold, indent if align == "left" else 0)
        if reserve and len(lines) * spacing + reserve <= SLOTS:
            self.ensure(len(lines) * spacing + reserve)
        self.ensure(min(len(lines), keep) * spacing)
        tail = len(lines) - min(len(lines), KEEP_WITH_RESERVE)
        for i, line in enumerate(lines):
            if reserve and i == tail and self.slot + (len(lines) - i) * spacing + reserve > SLOTS:
                self.new_page()
            self.ensure(spacing)
            if align == "centre":
                self.at(self.slot, (left + right) / 2, line, bold, "centre")
            else:
                self.at(self.slot, left + (indent if i == 0 and align == "left" else 0), line, bold)
            self.slot += spacing

    def heading(self, text: str, underline: bool = False) -> None:
        self.to_line()
        self.ensure(8)
        self.at(self.slot, CENTRE, text, bold=True, align="centre")
        if underline:
            w = width(text, SIZE, True)
            self.canvas.line(CENTRE - w / 2, slot_y(self.slot) - 2, CENTRE + w / 2, slot_y(self.slot) - 2)
        self.slot += 2

    def blank(self, lines: int = 1) -> None:
        self.to_line()
        self.slot = min(self.slot + 2 * lines, SLOTS)

    def rule(self, left: float = LEFT, right: float = RIGHT, below: float = 7.0) -> None:
        """A thin horizontal rule just under the previous slot's baseline."""
        y = slot_y(self.slot - 1) - below
        self.canvas.setLineWidth(0.5)
        self.canvas.line(left, y, right, y)

    # --- tables ------------------------------------------------------------------------
    def table_row(self, cells: list[Cell], columns: list[tuple[float, float]], rule: bool = True,
                  on_lines: bool = True) -> None:
        """One row, each cell's lines single-spaced in its column, then a half-line gap with a rule.

        With `on_lines` every row starts on a numbered line; otherwise rows follow each other
        at half-line steps (long exhibit tables). A row's last line sits no lower than line 28 (the
        half-line under it runs into the page number and footer): a row that does not fit starts the
        next page (whose `on_new_page` repeats the table's header); a row taller than a whole page is
        continued there.
        """
        if on_lines:
            self.to_line()
        height = max(len(cell.lines) for cell in cells)
        if self.slot + height + 1 > SLOTS and self.slot > 0:
            self.new_page()
        while self.slot + height + 1 > SLOTS and self.slots_left > 1:
            room = self.slots_left - 1
            at = max((b for c in cells for b in c.breaks if 0 < b <= room), default=room)
            self._row([Cell(c.lines[:at], c.bold, c.align) for c in cells], columns, rule, on_lines)
            cells = [_rest(c, at) for c in cells]
            height = max(len(cell.lines) for cell in cells)
            self.new_page()
        self._row(cells, columns, rule, on_lines)

    def _row(self, cells: list[Cell], columns: list[tuple[float, float]], rule: bool, on_lines: bool) -> None:
        height = max(len(cell.lines) for cell in cells)
        slots = height + 1
        if on_lines:
            slots += slots % 2
        top = self.slot
        for cell, (x0, x1) in zip(cells, columns):
            for i, line in enumerate(cell.lines):
                x = x0 + 3 if cell.align == "left" else ((x0 + x1) / 2 if cell.align == "centre" else x1 - 3)
                self.at(top + i, x, line, cell.bold, cell.align)
        if rule and height:
            y = slot_y(top + height - 1) - 5
            self.canvas.setLineWidth(0.5)
            self.canvas.line(columns[0][0], y, columns[-1][1], y)
        self.slot = min(top + slots, SLOTS)
