"""Bytes to parseable text: empty and binary files rejected, latin-1 / cp1252 transcoded."""
from __future__ import annotations

import csv
import io

from reviewer.ingest.problems import FileRejected


def check_not_binary(data: bytes, name: str) -> None:
    """Reject empty files and binary content before parsing."""
    if not data or data.isspace():  # (isspace stops at the first other byte; strip would copy the file)
        raise FileRejected(name, 1, "the file is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FileRejected(name, line, "binary content (NUL byte): this is not a DOJ text file")


def transcode(data: bytes) -> tuple[bytes, str]:
    """Bytes that are not UTF-8: Windows-1252 (what DOJ exports on Windows use), else latin-1."""
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def first_line_fields(data: bytes) -> list[str]:
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)].decode("utf-8", errors="replace").rstrip("\r")
    return next(csv.reader([line]), [])


def first_bad_line(data: bytes, expected: int, skip_header: bool, delimiter: str = ",") -> tuple[int, int] | None:
    """Slow path, run only when a file is already known to be malformed: (line, fields)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""), delimiter=delimiter)
    for index, fields in enumerate(reader):
        if index == 0 and skip_header:
            continue
        if not fields:
            continue
        if len(fields) != expected:
            return reader.line_num, len(fields)
    return None


def line_numbers(data: bytes, rows: int, first_line: int):
    """Physical line of each parsed row; blank lines (skipped by the parser) are accounted for."""
    import numpy as np

    newlines = data.count(b"\n")
    physical = newlines + (0 if data.endswith(b"\n") else 1)
    if physical == rows + first_line - 1:
        return np.arange(first_line, first_line + rows, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(buf)]))
    lengths = stops - starts
    has_cr = lengths > 0
    last = np.where(has_cr, stops - 1, 0)
    lengths = lengths - (has_cr & (buf[last] == 13))
    non_empty = np.flatnonzero(lengths > 0) + 1  # 1-based line numbers
    non_empty = non_empty[non_empty >= first_line]
    return non_empty[:rows].astype(np.int64)


class NotUtf8(Exception):
    """The bytes are not UTF-8: the caller transcodes and parses again."""


def parse_string_columns(data: bytes, names: list[str], wanted: list[str], skip_rows: int,
                         delimiter: str = ","):
    """Parse CSV bytes (pyarrow, threaded) keeping `wanted` columns as strings.

    None when any row has the wrong number of fields or the quoting is broken: the caller then
    finds the line on the slow path and rejects the whole file."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list[int] = []

    def on_invalid(row) -> str:
        bad.append(row.actual_columns)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={c: pa.string() for c in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise NotUtf8() from None
        return None
    return None if bad else table
