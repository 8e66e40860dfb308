"""Result files in the layout of Code for America's gogen, so offices can compare runs.

Per DOJ input file, gogen writes All_Results_<n>.csv (the 95 DOJ columns and the result
columns), All_Results_Condensed_<n>.csv (20 DOJ columns and the result columns) and
Prop64_Results_<n>.csv (only the rows that carry a result), and for the whole run a
gogen.json summary. Result columns are filled on the first row of each evaluated
conviction (one per DOJ count), as gogen does; other rows leave them blank except
"Possible Other P64 Charges". The layout follows gogen 0.2.x (MIT licence, Code for
America); the code is Reviewer's own.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from reviewer.domain.vocabulary import Suggestion
from reviewer.reports.csv_safe import safe_row
from reviewer.reports.private_files import open_private_text

RESULT_HEADERS: tuple[str, ...] = (
    "Case Number", "# of convictions on record", "Possible Other P64 Charges", "Occurred after 11/9/2016",
    "Superstrike Code Section(s)", "PC290 Code Section(s)", "PC290 Registration", "Date of Conviction",
    "Years Since This Conviction", "Years Since Any Conviction", "# of Prop 64 convictions",
    "# of HS 11357 convictions", "# of HS 11358 convictions", "# of HS 11359 convictions",
    "# of HS 11360 convictions", "Deceased", "Eligibility Determination", "Eligibility Reason",
)
CONDENSED_COLUMNS: tuple[str, ...] = (
    "CII_NUMBER", "PRI_NAME", "GENDER", "PRI_DOB", "RACE_DESCR", "CYC_DATE", "STP_EVENT_DATE", "STP_ORI_DESCR",
    "STP_ORI_CNTY_NAME", "DISP_DATE", "OFN", "OFFENSE_DESCR", "DISP_DESCR", "CONV_STAT_DESCR", "SENT_LOC_DESCR",
    "SENT_LENGTH", "SENT_TIME_CODE", "CYC_AGE", "COMMENT_TEXT", "END_OF_REC",
)
DETERMINATION = {
    Suggestion.DISMISS_AND_SEAL.value: "Eligible for Dismissal",
    Suggestion.REDESIGNATE_MISDEMEANOR.value: "Eligible for Reduction",
    Suggestion.REDESIGNATE_INFRACTION.value: "Eligible for Reduction",  # gogen has no infraction word
    Suggestion.NOT_ELIGIBLE.value: "Not eligible",
    Suggestion.NEEDS_REVIEW.value: "Hand Review",
    Suggestion.REFER.value: "To be reviewed by City Attorneys",
}
EFFECTIVE_DATE = date(2016, 11, 9)
PROP64_SECTIONS = ("11357", "11358", "11359", "11360")
GO_ZERO_DATE = "01/01/0001"  # what gogen prints for a missing date
CASE_NUMBER, POSSIBLE_OTHER = 0, 2


def file_names(index: int) -> tuple[str, str, str]:
    return (f"All_Results_{index}.csv", f"All_Results_Condensed_{index}.csv", f"Prop64_Results_{index}.csv")


def code_section_text(offense_text: str) -> str:
    """gogen's code section: the offense text up to its first '-'."""
    return offense_text.split("-")[0]


def years_since(as_of: date, day: date | None) -> str:
    if day is None:
        return "-1.0"
    return f"{(as_of - day).days / 365.25:.1f}"


def us_date(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else GO_ZERO_DATE


@dataclass
class PersonSummary:
    """What gogen repeats on every result row of one person."""

    convictions: int
    superstrikes: list[str]
    pc290_sections: list[str]
    pc290_registration: bool
    latest: date | None
    prop64_by_section: dict[str, int]
    deceased: bool


def result_values(person: PersonSummary, disposition: date | None, suggestion: str, reason: str,
                  as_of: date) -> list[str]:
    """The result columns of one evaluated conviction (case number and possible charges filled per row)."""
    by = person.prop64_by_section
    return [
        "",
        str(person.convictions),
        "",
        "Y" if disposition is not None and disposition > EFFECTIVE_DATE else "N",
        ";".join(person.superstrikes) or "-",
        ";".join(person.pc290_sections) or "-",
        "Yes" if person.pc290_registration else "-",
        us_date(disposition),
        years_since(as_of, disposition),
        years_since(as_of, person.latest),
        str(sum(by.get(s, 0) for s in PROP64_SECTIONS)),
        *(str(by.get(s, 0)) for s in PROP64_SECTIONS),
        "Deceased" if person.deceased else "-",
        DETERMINATION.get(suggestion, suggestion),
        reason,
    ]


def possible_other_charge(comment: str) -> str:
    """Rows without a result whose comment names a Prop 64 section (gogen's hint for hand checks)."""
    return comment if any(s in comment for s in PROP64_SECTIONS) else ""


class GogenWriter:
    """The three CSV files of one DOJ input file."""

    def __init__(self, folder: Path, index: int, doj_columns: tuple[str, ...], raw: bool = False) -> None:
        """`raw`: write every cell exactly as gogen would (byte-exact comparisons); otherwise a cell that a
        spreadsheet would run as a formula is written as text (an apostrophe in front, as OWASP recommends)."""
        self.raw = raw
        self.paths = [folder / name for name in file_names(index)]
        self._files: list[IO[str]] = [open_private_text(p) for p in self.paths]
        self._all, self._condensed, self._prop64 = (csv.writer(f, lineterminator="\n") for f in self._files)
        self._pick = [doj_columns.index(c) for c in CONDENSED_COLUMNS]
        self._comment = doj_columns.index("COMMENT_TEXT")
        self._all.writerow([*doj_columns, *RESULT_HEADERS])
        self._condensed.writerow([*CONDENSED_COLUMNS, *RESULT_HEADERS])
        self._prop64.writerow([*doj_columns, *RESULT_HEADERS])

    def write(self, row: list[str], results: list[str] | None) -> None:
        if results is None:
            results = [""] * len(RESULT_HEADERS)
            results[POSSIBLE_OTHER] = possible_other_charge(row[self._comment])
        full = row + results if self.raw else safe_row(row + results)
        self._all.writerow(full)
        self._condensed.writerow([full[i] for i in self._pick] + full[len(row):])
        if results[-2]:
            self._prop64.writerow(full)

    def close(self) -> None:
        for f in self._files:
            f.close()


def rfc3339(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def write_summary(path: Path, summary: dict) -> None:
    with open_private_text(path) as fh:
        fh.write(json.dumps(summary))
