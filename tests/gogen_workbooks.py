"""Turn gogen's expectation workbooks into DOJ files plus the expected determination per line."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from reviewer.domain.vocabulary import Suggestion

GOGEN_WORDS = {
    "Eligible for Dismissal": Suggestion.DISMISS_AND_SEAL,
    "Eligible for Reduction": Suggestion.REDESIGNATE_MISDEMEANOR,
    "Not eligible": Suggestion.NOT_ELIGIBLE,
    "Hand Review": Suggestion.NEEDS_REVIEW,
    "To be reviewed by City Attorneys": Suggestion.REFER,
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_to_doj(xlsx: Path, out_csv: Path) -> dict[int, tuple[Suggestion, str]]:
    """Write columns B..CR as a headerless DOJ file; return {line: (expected suggestion, gogen reason)}."""
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    names = list(rows[1])
    det = names.index("Eligibility Determination")
    why = names.index("Eligibility Reason")
    expected = {}
    with open(out_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for line, row in enumerate(rows[2:], start=1):
            writer.writerow([_text(v) for v in row[1:96]])
            if str(row[0]).lower() == "true":
                expected[line] = (GOGEN_WORDS[row[det]], _text(row[why]))
    return expected


def dob_after_conviction(doj_file) -> set[int]:
    """Lines of a DOJ file whose conviction predates the date of birth (gogen's fabricated fixtures have a
    few): Reviewer flags them and sends them to review instead of reproducing gogen's result."""
    from reviewer.ingest.doj_reader import read_doj_file

    return {p.line for p in read_doj_file(doj_file).problems if "date of birth is after" in p.problem}
