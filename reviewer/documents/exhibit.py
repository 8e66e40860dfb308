"""Exhibit A of the bulk motion: its columns, its rows, and what the order says about which rows.

Each count of a row says in its Relief column which of four kinds of relief it is granted:
a sentence still served is recalled and either dismissed or resentenced (HS 11361.8(b));
a completed sentence is dismissed and sealed or redesignated (HS 11361.8(f)). The order's
paragraphs name the same labels and the rows that hold them, so that what the order grants
is what each row of Exhibit A says (the tally counts them as the rows are numbered).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from reviewer.documents.citations import code_section
from reviewer.documents.common import Wording
from reviewer.documents.fonts import wrap
from reviewer.documents.model import CaseFile, CountLine, format_date
from reviewer.documents.pleading import LEFT, RIGHT, Cell
from reviewer.domain.vocabulary import Outcome, SentenceStatus

# No., name, DOB and CII, case number (an 11-character number such as BA123456-01 on one line: a number cut
# in two reads as another case), counts; the relief takes the rest (82 pt: "Dismiss & seal" on one line).
_W = (24, 100, 66, 76, 112)
EXHIBIT_COLUMNS: list[tuple[float, float]] = []
_x = LEFT
for _w in _W:
    EXHIBIT_COLUMNS.append((_x, _x + _w))
    _x += _w
EXHIBIT_COLUMNS.append((_x, RIGHT))
RELIEF_W = RIGHT - EXHIBIT_COLUMNS[-1][0] - 6

# The four kinds of relief a count of Exhibit A is granted (keys of the wording's "relief_short").
RECALL_DISMISS, RECALL_RESENTENCE, DISMISS, REDESIGNATE = "recall_dismiss", "recall_resentence", "dismiss", "redesignate"
KINDS = (RECALL_DISMISS, RECALL_RESENTENCE, DISMISS, REDESIGNATE)
MAX_RANGES = 30  # more row ranges than this and a paragraph names the rows by their label alone


def relief_kind(count: CountLine) -> str:
    serving = count.sentence_status is SentenceStatus.SERVING
    if count.outcome is Outcome.DISMISS_AND_SEAL:
        return RECALL_DISMISS if serving else DISMISS
    return RECALL_RESENTENCE if serving else REDESIGNATE


def relief_lines(wording: Wording, count: CountLine) -> list[str]:
    """What the Relief column says the count is granted: its kind's label ("Recall; resentence"), the new level
    where there is one, and the subdivision."""
    lines = wrap(wording["relief_short"][relief_kind(count)], RELIEF_W)
    if count.outcome is not Outcome.DISMISS_AND_SEAL:
        lines.append(wording["level_short"][count.outcome.value])
    return lines + wrap(wording["subdivision_short"][count.sentence_status.value], RELIEF_W)


@dataclass
class ExhibitTally:
    """Exhibit A counted row by row, in the order its rows are numbered (only cases with relief are rows)."""

    cases: int = 0
    people: set = field(default_factory=set)
    counts: int = 0
    outcomes: dict = field(default_factory=lambda: {o: 0 for o in Outcome})
    kinds: dict = field(default_factory=lambda: {k: 0 for k in KINDS})  # convictions of each kind
    rows: dict = field(default_factory=lambda: {k: [] for k in KINDS})  # [first, last] row ranges of each kind
    unnumbered: list = field(default_factory=list)  # [first, last] ranges of rows without a real case number

    def add(self, case: CaseFile) -> int:
        """Count the case as the next row; returns its row number (0: not a row, no relief)."""
        if not case.relief_counts:
            return 0
        self.cases += 1
        if case.number_problem:
            _extend(self.unnumbered, self.cases)
        self.people.add(case.person_id or case.person_name)
        for count in case.relief_counts:
            self.counts += 1
            self.outcomes[count.outcome] += 1
            kind = relief_kind(count)
            self.kinds[kind] += 1
            _extend(self.rows[kind], self.cases)
        return self.cases

    def summary(self) -> "BulkSummary":
        o = self.outcomes
        return BulkSummary(self.cases, len(self.people), self.counts, o[Outcome.DISMISS_AND_SEAL],
                           o[Outcome.REDESIGNATE_MISDEMEANOR], o[Outcome.REDESIGNATE_INFRACTION],
                           self.kinds[RECALL_DISMISS] + self.kinds[RECALL_RESENTENCE],
                           {k: (n, tuple(tuple(r) for r in self.rows[k])) for k, n in self.kinds.items()},
                           tuple(tuple(r) for r in self.unnumbered))


def _extend(ranges: list[list[int]], row: int) -> None:
    """Add `row` to [first, last] ranges kept in order (rows come in increasing order)."""
    if ranges and ranges[-1][1] >= row - 1:
        ranges[-1][1] = row
    else:
        ranges.append([row, row])


@dataclass(frozen=True)
class BulkSummary:
    cases: int
    people: int
    counts: int
    dismissed: int
    misdemeanors: int
    infractions: int
    serving: int = 0
    # per kind of relief: (convictions, row ranges); what the order's paragraphs name
    kinds: dict = field(default_factory=dict, compare=False)
    unnumbered: tuple = ()  # row ranges whose case number is missing or a placeholder: the paper is not filing-ready

    @classmethod
    def of(cls, cases: Iterable[CaseFile]) -> "BulkSummary":
        tally = ExhibitTally()
        for case in cases:
            tally.add(case)
        return tally.summary()

    def convictions(self, *kinds: str) -> int:
        return sum(self.kinds.get(k, (0, ()))[0] for k in kinds)

    def row_ranges(self, *kinds: str) -> list[tuple[int, int]]:
        """The rows holding a count of any of `kinds`, as merged (first, last) ranges."""
        merged: list[list[int]] = []
        for first, last in sorted(r for k in kinds for r in self.kinds.get(k, (0, ()))[1]):
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        return [(a, b) for a, b in merged]


def unnumbered_text(summary: BulkSummary) -> str:
    """The rows without a real case number, as a banner names them: 'rows 3 and 9' or '412 rows'."""
    n = sum(b - a + 1 for a, b in summary.unnumbered)
    return rows_text(summary.unnumbered) or (f"{n} rows" if n else "")


def rows_text(ranges) -> str:
    """'row 4' / 'rows 1, 3 and 7-9'; '' when there are too many ranges to list."""
    if not ranges or len(ranges) > MAX_RANGES:
        return ""
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in ranges]
    if len(parts) == 1:
        return ("row " if ranges[0][0] == ranges[0][1] else "rows ") + parts[0]
    return "rows " + ", ".join(parts[:-1]) + " and " + parts[-1]


def exhibit_cells(number: int, case: CaseFile, wording: Wording) -> list[Cell]:
    """One exhibit row: per count its number, code section, original level and date, and the relief."""
    counts, relief, starts = [], [], []
    for count in case.relief_counts:
        starts.append(len(counts))
        block = [f"Count {count.count}", *wrap(code_section(count.code_section), _W[4] - 6),
                 *wrap(f"{count.level}, {format_date(count.convicted_on)}", _W[4] - 6)]
        granted = relief_lines(wording, count)
        block += [""] * (len(granted) - len(block))
        granted += [""] * (len(block) - len(granted))
        counts += block
        relief += granted
    return [
        Cell([str(number)]),
        Cell(wrap(case.display_name, _W[1] - 6)),
        Cell([format_date(case.dob) if case.dob else "DOB unknown", case.cii or "CII unknown"]),
        Cell(wrap(case.case_number, _W[3] - 6, bold=bool(case.number_problem)), bold=bool(case.number_problem)),
        Cell(counts, breaks=tuple(starts)),
        Cell(relief),
    ]
