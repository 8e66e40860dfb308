"""Read a DOJ research file into column tables of persons and convictions.

The hot path is columnar (pyarrow, two threads): no Python work per row. Python runs
only per *distinct* offense text and level pair, and per flagged row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from reviewer.ingest.doj_columns import convictions, derive, persons, row_problems, rows_that_matter
from reviewer.ingest.doj_format import DOJ_COLUMNS, FIELD_COUNT, USED_COLUMNS
from reviewer.ingest.kept_file import KeptFile
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.ingest.line_decoding import decode_lines
from reviewer.ingest.raw_text import (
    NotUtf8, check_not_binary, cr_line_ends_to_lf, first_bad_line, first_line_fields, line_numbers,
    parse_string_columns, read_regular_file, rejection, strip_bom,
)


@dataclass
class DojExtract:
    """Everything a file holds that Reviewer keeps, ready for bulk insert."""

    source_file: str
    sha256: str
    encoding: str
    rows: int
    persons: pa.Table
    convictions: pa.Table
    problems: list[RowProblem] = field(default_factory=list)
    kept: KeptFile | None = None  # the file itself, compressed, for exports that repeat its rows

    @property
    def flagged_rows(self) -> int:
        return len({p.line for p in self.problems})


def read_doj_file(path: str | Path, today: date | None = None) -> DojExtract:
    path = Path(path)
    return read_doj_bytes(read_regular_file(path), path.name, today)


def read_doj_bytes(raw: bytes, name: str, today: date | None = None) -> DojExtract:
    """`today`: dates after it are flagged (a conviction or birth in the future)."""
    check_not_binary(raw, name)
    keep = KeptFile(raw)  # hashed and compressed on another thread while the file is parsed
    data = cr_line_ends_to_lf(strip_bom(raw))
    del raw
    header = _check_first_line(data, name)
    table, data, encoding, fallback = _decode_and_parse(data, name, header)
    if table.num_rows == 0:
        raise FileRejected(name, 1, "no data rows")
    lines = line_numbers(data, table.num_rows, 2 if header else 1)
    del data
    _check_not_all_empty(table, name)
    rows = table.num_rows
    kept, arrests = rows_that_matter(table, lines)
    del table, lines  # the whole parsed file: only the rows that matter are used from here (peak memory)
    cols = derive(kept)
    del kept
    problems = sorted(row_problems(cols, today) + [_fallback_problem(line) for line in fallback], key=lambda p: p.line)
    return DojExtract(name, keep.sha256(), encoding, rows, persons(cols), convictions(cols, problems, name, arrests), problems,
                      keep)


def _decode_and_parse(data: bytes, name: str, header: bool):
    """(table, UTF-8 bytes, encoding, lines read as Windows-1252 in a mixed file). UTF-8 is tried on the
    whole buffer first (the parser checks it for free); lines are decoded one by one only if that fails."""
    try:
        return _parse(data, name, header), data, "utf-8", []
    except NotUtf8:
        decoded = decode_lines(data)
        return _parse(decoded.data, name, header), decoded.data, decoded.encoding, decoded.fallback_lines


def _fallback_problem(line: int) -> RowProblem:
    return RowProblem(line, "encoding", "not UTF-8 like the rest of the file: read as Windows-1252, check the names")


def _check_not_all_empty(table: pa.Table, name: str) -> None:
    """A file of empty fields (or without a single SUBJECT_ID) has nothing to import."""
    subject = table.column("SUBJECT_ID")
    if pc.all(pc.equal(pc.utf8_trim_whitespace(subject), "")).as_py():
        raise FileRejected(name, None, f"no row has a SUBJECT_ID ({table.num_rows} rows of empty fields?): "
                                       "nothing to import")


def _check_first_line(data: bytes, name: str) -> bool:
    fields = first_line_fields(data)
    upper = [f.strip().upper() for f in fields]
    header = bool(upper) and (upper[0] == "RECORD_ID" or "SUBJECT_ID" in upper)
    count = len(fields)
    if header and count == FIELD_COUNT + 1 and not upper[-1]:
        upper = upper[:-1]  # the extra trailing comma some extracts carry on the header
        count = FIELD_COUNT
    if count != FIELD_COUNT:
        raise FileRejected(name, 1, f"{count} fields, expected {FIELD_COUNT} (not a DOJ research file)")
    if header:
        for index, (got, want) in enumerate(zip(upper, DOJ_COLUMNS), start=1):
            if got != want:
                raise FileRejected(name, 1, f"header column {index} is {got!r}, expected {want!r}")
    return header


def _parse(data: bytes, name: str, header: bool) -> pa.Table:
    table = parse_string_columns(data, list(DOJ_COLUMNS), list(USED_COLUMNS), 1 if header else 0)
    if table is None:
        raise rejection(name, first_bad_line(data, FIELD_COUNT, header), f"expected {FIELD_COUNT}")
    return table
