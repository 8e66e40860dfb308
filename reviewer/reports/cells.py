"""Cells for text that comes from input data: never run as a formula, always valid XML.

A name such as `=HYPERLINK(...)`, `+1`, `-2` or `@x` is written as a text cell with
Excel's "quote prefix" flag: the cell shows exactly the text, and Excel keeps treating it
as text even when someone edits the cell. Control characters that XML cannot carry are
dropped, and text is cut at Excel's 32,767-character limit.
"""
from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")
MAX_TEXT = 32767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def clean(text: str) -> str:
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def safe(ws, value):
    """The value to append for text from input data (a plain str when nothing needs guarding)."""
    if not isinstance(value, str) or not value:
        return value
    value = clean(value)
    if not value.startswith(FORMULA_START):
        return value
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    cell.quotePrefix = True
    return cell


def styled(ws, value, font=None, fill=None, number_format: str | None = None, alignment=None):
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")


def header_row(ws, names) -> list:
    return [styled(ws, name, HEADER_FONT, HEADER_FILL, alignment=HEADER_ALIGN) for name in names]


def fit_to_width(ws, pages_wide: int = 1, landscape: bool = False) -> None:
    """Print setup: as many pages wide as given, as long as needed."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    if landscape:
        ws.page_setup.orientation = "landscape"
