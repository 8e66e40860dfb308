"""The Excel register: a summary sheet, then one row per evaluated conviction.

Written with openpyxl's write-only mode: rows stream from the database to the file and
memory stays flat however many there are. Past Excel's 1,048,576 rows a sheet, the
register continues on "Register (2)", and so on, each with its header.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from reviewer.reports.cells import fit_to_width, header_row, safe
from reviewer.reports.figures import Figures, level_label, outcome_label, suggestion_label
from reviewer.reports.summary_sheet import write_summary_sheet

MAX_ROWS = 1_048_576 - 1  # data rows per sheet under the header

# (header, width, kind): "text" comes from input data and is guarded against formulas.
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Person", 28, "text"),
    ("Date of birth", 12, "date"),
    ("CII", 12, "text"),
    ("Court case", 18, "text"),
    ("Count", 7, "text"),  # a number, or the record's own text (which could start a formula)
    ("Code section", 14, "text"),
    ("Offense", 32, "text"),
    ("Level", 12, "plain"),
    ("Disposition date", 12, "date"),
    ("County", 14, "text"),
    ("Suggestion", 24, "plain"),
    ("Reason", 36, "text"),
    ("Explanation", 60, "text"),
    ("Sentence", 11, "plain"),
    ("Flagged felony", 9, "plain"),
    ("Status", 11, "plain"),
    ("Decision", 26, "plain"),
    ("Decision reason", 36, "text"),
    ("Reviewer", 18, "text"),
    ("Decided on", 17, "datetime"),
    ("Suggestion changed since decided", 14, "plain"),  # "Yes": a re-evaluation suggests otherwise since
    ("Suggestion when decided", 24, "plain"),  # the suggestion the standing decision answered, where it changed
    ("Printed", 12, "date"),
    ("Filed", 12, "date"),
    ("Source", 24, "text"),
)
HEADERS = tuple(c[0] for c in COLUMNS)
STATUS_WORDS = {"pending": "Pending", "accepted": "Accepted", "overridden": "Overridden", None: "Pending"}
SENTENCE_WORDS = {"SERVING": "Serving", "COMPLETED": "Completed", "UNKNOWN": "Unknown"}


@lru_cache(maxsize=65536)
def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return datetime.fromisoformat(str(value)).replace(microsecond=0)


@lru_cache(maxsize=4096)
def count_number(count_order: str):
    """The count within its case: digits 7-9 of a DOJ CNT_ORDER, the part after '#' of a case export."""
    if len(count_order) == 12 and count_order.isdigit():
        return int(count_order[6:9])
    if "#" in count_order and not count_order.startswith("#"):
        tail = count_order.split("#")[1]
        return int(tail) if tail.isdigit() else tail
    return count_order


@lru_cache(maxsize=8192)
def explanation(reasons_json: str) -> str:
    try:
        reasons = json.loads(reasons_json)
    except (TypeError, ValueError):
        return ""
    return " | ".join(f"{r['text']} [{r['citation']}]" if r.get("citation") else r.get("text", "") for r in reasons)


def register_values(r) -> list:
    """One register row from a report_queries.register_rows tuple (REGISTER_FIELD_NAMES)."""
    return [
        r[0], as_date(r[1]), r[2], r[3], count_number(r[4] or ""), r[5], r[6], level_label(r[7]),
        as_date(r[8]), r[9], suggestion_label(r[10]), r[11], explanation(r[12]),
        SENTENCE_WORDS.get(r[13], r[13]), "Yes" if r[14] else "No", STATUS_WORDS.get(r[15], r[15]),
        outcome_label(r[16]) or None, r[17] or None, r[18], as_datetime(r[19]),
        "Yes" if r[25] else None, suggestion_label(r[26]) if r[25] else None, as_date(r[20]), as_date(r[21]),
        f"{r[22]}, line {r[23]}",
    ]


def _new_register_sheet(wb: Workbook, number: int):
    ws = wb.create_sheet("Register" if number == 1 else f"Register ({number})")
    for index, (_, width, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    fit_to_width(ws, pages_wide=2, landscape=True)
    ws.append(header_row(ws, HEADERS))
    return ws


def _close_sheet(ws, rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"


def write_register(path: str | Path, figures: Figures, rows: Iterable[list], generated: datetime,
                   progress: Callable[[int], None] | None = None) -> int:
    """Write the workbook; `rows` are register_values() lists. Returns the number of data rows."""
    wb = Workbook(write_only=True)
    write_summary_sheet(wb.create_sheet("Summary"), figures, generated)
    text_columns = [i for i, c in enumerate(COLUMNS) if c[2] == "text"]
    sheet_number, ws, in_sheet, total = 1, None, 0, 0
    ws = _new_register_sheet(wb, sheet_number)
    for values in rows:
        if in_sheet == MAX_ROWS:
            _close_sheet(ws, in_sheet)
            sheet_number += 1
            ws, in_sheet = _new_register_sheet(wb, sheet_number), 0
        for i in text_columns:
            value = values[i]
            if isinstance(value, str) and value and (value[0] in "=+-@\t\r\n|" or not value.isprintable()):
                values[i] = safe(ws, value)
        ws.append(values)
        in_sheet += 1
        total += 1
        if progress is not None and total % 10000 == 0:
            progress(total)
    _close_sheet(ws, in_sheet)
    wb.save(str(path))
    return total
