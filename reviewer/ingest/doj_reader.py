"""Read a DOJ research file into column tables of persons and convictions.

The hot path is columnar (pyarrow, two threads): no Python work per row. Python runs
only per *distinct* offense text and level pair, and per flagged row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from reviewer.ingest.doj_columns import convictions, derive, persons, row_problems, rows_that_matter
from reviewer.ingest.doj_format import DOJ_COLUMNS, FIELD_COUNT, USED_COLUMNS
from reviewer.ingest.kept_file import KeptFile
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.ingest.raw_text import (
    NotUtf8, check_not_binary, first_bad_line, first_line_fields, line_numbers, parse_string_columns, transcode,
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


def read_doj_file(path: str | Path) -> DojExtract:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileRejected(name, None, f"cannot be read ({exc.strerror})") from None
    return read_doj_bytes(raw, name)


def read_doj_bytes(raw: bytes, name: str) -> DojExtract:
    check_not_binary(raw, name)
    keep = KeptFile(raw)  # hashed and compressed on another thread while the file is parsed
    header = _check_first_line(raw, name)
    try:
        data, encoding = raw, "utf-8"
        table = _parse(data, name, header)
    except NotUtf8:
        data, encoding = transcode(raw)
        table = _parse(data, name, header)
    del raw
    if table.num_rows == 0:
        raise FileRejected(name, 1, "no data rows")
    lines = line_numbers(data, table.num_rows, 2 if header else 1)
    del data
    kept, arrests = rows_that_matter(table, lines)
    cols = derive(kept)
    problems = row_problems(cols)
    return DojExtract(name, keep.sha256(), encoding, table.num_rows, persons(cols), convictions(cols, problems, name, arrests), problems,
                      keep)


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
        found = first_bad_line(data, FIELD_COUNT, header)
        if found:
            line, count = found
            raise FileRejected(name, line, f"{count} fields, expected {FIELD_COUNT}")
        raise FileRejected(name, None, "malformed CSV (unbalanced quotes)")
    return table


