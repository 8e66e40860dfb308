"""Bytes to parseable text: empty, binary and device files refused, line ends and BOM handled.

The fast path costs nothing per row: the checks here look at the first block of the file,
and the slow paths (finding a bad line, counting lines around quoted line breaks) run only
when a file is already known to need them.
"""
from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reviewer.ingest.open_quote import NEVER_CLOSED, never_closed, open_quote
from reviewer.ingest.problems import FileRejected

BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
SAMPLE = 1 << 16
# Bytes a text file may hold besides printable ones: TAB, LF, FF, CR, ESC, SUB (a DOS end-of-file mark).
_TEXT_BYTES = bytes([8, 9, 10, 12, 13, 26, 27]) + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
BLOCK_SIZE = 2 << 20  # bytes the CSV parser's threads take at a time (within a segment): 8 MB took 25% more CPU
CONTROL_SHARE = 0.01  # more control bytes than this in the first block: not a text file


def refuse_special_file(path: str | Path) -> None:
    """A FIFO, socket, device or folder is refused before it is opened (reading one would block, or never
    end)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileRejected(path.name, None, f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "a device")
        raise FileRejected(path.name, None, f"is {kind}, not a file: only regular files are imported")


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of a regular file (refuse_special_file first)."""
    path = Path(path)
    refuse_special_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileRejected(path.name, None, f"cannot be read ({exc.strerror})") from None


def check_not_binary(data: bytes, name: str, what: str = "a DOJ text file") -> None:
    """Reject empty files and binary content before parsing."""
    if not data or data.isspace():  # (isspace stops at the first other byte; strip would copy the file)
        raise FileRejected(name, 1, "the file is empty")
    if data.startswith(ZIP_MAGIC):
        raise FileRejected(name, 1, f"a ZIP archive or Excel workbook: this is not {what}")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FileRejected(name, line, f"binary content (NUL byte): this is not {what}")
    sample = data[:SAMPLE]
    control = len(sample.translate(None, _TEXT_BYTES))
    if control > CONTROL_SHARE * len(sample):
        first = next(i for i, b in enumerate(sample) if bytes([b]) not in _TEXT_BYTES)
        line = sample.count(b"\n", 0, first) + 1
        raise FileRejected(name, line, f"binary content ({control} control bytes in the first {len(sample):,}): "
                                       f"this is not {what}")


def strip_bom(data: bytes) -> bytes:
    """A UTF-8 byte order mark before the header is not part of the first column's name."""
    return data[len(BOM):] if data.startswith(BOM) else data


def cr_line_ends_to_lf(data: bytes) -> bytes:
    """Files from old Mac software end lines with CR alone; read them as LF files. (A file with LF line
    ends and a stray CR is left as it is: the CR is inside a field, and the parse says where.)"""
    if b"\n" in data[:SAMPLE] or b"\r" not in data[:SAMPLE] or b"\n" in data:
        return data
    return data.replace(b"\r", b"\n")


def first_line(data: bytes) -> str:
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    return data[: min(ends) if ends else len(data)].decode("utf-8", errors="replace")


@contextmanager
def fields_up_to(size: int):
    """Python's csv refuses a field longer than 131,072 characters: within this, a field may be as long as
    the text read (`size`), so that a long value is read as the one field it is."""
    limit = csv.field_size_limit(max(size, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def first_line_fields(data: bytes, delimiter: str = ",") -> list[str]:
    line = first_line(data)
    try:
        with fields_up_to(len(line)):
            return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


@dataclass(frozen=True)
class BadLine:
    """Where a malformed file first goes wrong: a line with the wrong number of fields (`fields`), one the
    CSV rules cannot read at all (`problem`), or a quoted value never closed (`problem`, in field `column`)."""

    line: int | None
    fields: int | None = None
    problem: str = ""
    column: int | None = None  # 0-based


class _LfLines:
    """Lines ended by LF only (a lone CR stays inside its line, as in the physical line count), and how
    much of the text they have given (the CSV reader takes one line at a time, as it needs them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.given = 0
        self._matches = re.finditer(r"[^\n]*\n|[^\n]+\Z", text)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        match = next(self._matches)
        self.given = match.end()
        return match.group()


def _csv_problem(message: str) -> str:
    if "new-line character seen in unquoted field" in message:
        return "a carriage return (CR) inside a field that is not quoted (mixed line ends?)"
    return f"not readable as CSV ({message.split(':')[0]})"


def first_bad_line(data: bytes, expected: int, skip_header: bool, delimiter: str = ",") -> BadLine | None:
    """Slow path, run only when a file is already known to be malformed. Never raises. (Fields as long as
    the file are allowed here, so that a long field never hides the line that is wrong.)"""
    with fields_up_to(len(data)):
        return _first_bad_line(data, expected, skip_header, delimiter)


def _first_bad_line(data: bytes, expected: int, skip_header: bool, delimiter: str) -> BadLine | None:
    lines = _LfLines(data.decode("utf-8", errors="replace"))
    reader = csv.reader(lines, delimiter=delimiter)
    index, last = 0, (0, 1)
    while True:
        start = (lines.given, reader.line_num + 1)  # where the next record begins: offset, line
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            return BadLine(reader.line_num or 1, None, _csv_problem(str(exc)))
        index += 1
        last = start if fields else last
        if index == 1 and skip_header:
            continue
        if fields and len(fields) != expected:
            at_end = lines.given == len(lines.text) and _open_at_end(lines, start, delimiter)
            return at_end or BadLine(reader.line_num, len(fields))
    return _open_at_end(lines, last, delimiter)


def _open_at_end(lines: _LfLines, start: tuple[int, int], delimiter: str) -> BadLine | None:
    """The last record, from `start` (offset, line) to the end of the text, read as a quoted value that is
    never closed: the line where its quote opens and its field."""
    offset, line = start
    found = open_quote(lines.text[offset:], delimiter)
    return BadLine(line + found.line_feeds, None, NEVER_CLOSED, found.field) if found else None


def rejection(name: str, bad: BadLine | None, expected_text: str, columns: Sequence[str] = ()) -> FileRejected:
    """The rejection for a file that did not parse: its first bad line, else unbalanced quotes. `columns`
    name the field of a quoted value never closed."""
    if bad is None:
        return FileRejected(name, None, "malformed CSV (unbalanced quotes)")
    if bad.fields is not None:
        return FileRejected(name, bad.line, f"{bad.fields} fields, {expected_text}")
    if bad.column is not None:
        return FileRejected(name, bad.line, never_closed(bad.column, columns))
    return FileRejected(name, bad.line, bad.problem)


def line_numbers(data: bytes, rows: int, first_line: int):
    """Physical line where each parsed row begins; blank lines (skipped by the parser) and line breaks
    inside quoted fields are accounted for. None where the parser found rows the line feeds do not
    explain (a lone CR between two rows of an LF file): the caller rejects the file at its first bad line."""
    import numpy as np

    newlines = data.count(b"\n")
    physical = newlines + (0 if data.endswith(b"\n") else 1)
    if physical == rows + first_line - 1:
        return np.arange(first_line, first_line + rows, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    found = _row_start_lines(buf, ends, _row_ends_outside_quotes(buf, ends), first_line)
    if len(found) != rows:  # a stray quote in an unquoted field: fall back to non-blank physical lines
        found = _row_start_lines(buf, ends, ends, first_line)
    if len(found) < rows:  # more rows than line feeds explain: a lone CR ended a row (mixed line ends)
        return None
    return found[:rows].astype(np.int64)


def _row_ends_outside_quotes(buf, ends):
    """The LFs that end a row: an even number of quote characters before them ("" escapes add two)."""
    import numpy as np

    quotes = np.flatnonzero(buf == 34)
    if not len(quotes):
        return ends
    return ends[np.searchsorted(quotes, ends) % 2 == 0]


def _row_start_lines(buf, ends, row_ends, first_line: int):
    import numpy as np

    starts = np.concatenate(([0], row_ends + 1))
    stops = np.concatenate((row_ends, [len(buf)]))
    lengths = stops - starts
    has_cr = lengths > 0
    last = np.where(has_cr, stops - 1, 0)
    lengths = lengths - (has_cr & (buf[np.minimum(last, len(buf) - 1)] == 13) if len(buf) else 0)
    starts = starts[lengths > 0]
    lines = np.searchsorted(ends, starts) + 1  # 1-based: LFs before the row's first byte, plus one
    return lines[lines >= first_line]


class NotUtf8(Exception):
    """The bytes are not UTF-8: the caller decodes line by line and parses again."""


def parse_string_columns(data: bytes, names: list[str], wanted: list[str], skip_rows: int,
                         delimiter: str = ","):
    """Parse CSV bytes (pyarrow, threaded) keeping `wanted` columns as strings.

    None when any row has the wrong number of fields or the quoting is broken: the caller then
    finds the line on the slow path and rejects the whole file. A file whose quoted fields hold
    line breaks is parsed again with the parser told so (slower, so only when needed)."""
    table = _parse(data, names, wanted, skip_rows, delimiter, newlines_in_values=False)
    if table is None and b'"' in data:
        table = _parse(data, names, wanted, skip_rows, delimiter, newlines_in_values=True)
    return table


def parse_string_segment(segment, names: list[str], wanted: list[str], skip_rows: int):
    """The parsed rows of one segment of whole lines (ingest.file_blocks.FileSegments), parsed on the
    parser's threads (blank lines are skipped: the caller counts lines). Raises NotParsed where a line is
    wrong or a quoted field holds a line break (the caller then takes the whole-file path, which counts
    lines around them), NotUtf8 as parse_string_columns."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        return pacsv.read_csv(pa.BufferReader(segment),
                              **_options(names, wanted, skip_rows, ",", newlines_in_values=False))
    except pa.ArrowInvalid as exc:
        raise (NotUtf8() if _not_utf8(exc) else NotParsed()) from None


class NotParsed(Exception):
    """A line has the wrong number of fields, or its quoting is broken."""


def _parse(data, names, wanted, skip_rows: int, delimiter: str, newlines_in_values: bool):
    import pyarrow as pa

    try:
        reader = _reader(data, names, wanted, skip_rows, delimiter, newlines_in_values)
        return pa.Table.from_batches(list(reader), schema=reader.schema)
    except pa.ArrowInvalid as exc:
        if _not_utf8(exc):
            raise NotUtf8() from None
        return None


def _reader(data, names, wanted, skip_rows: int, delimiter: str, newlines_in_values: bool):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # The streaming reader (threads still convert ahead) holds a few blocks at a time; read_csv keeps
    # every block's parsed fields alive until the end, about 350 MB more at the peak on a 1M-row file.
    return pacsv.open_csv(pa.BufferReader(data) if isinstance(data, (bytes, bytearray, memoryview)) else data,
                          **_options(names, wanted, skip_rows, delimiter, newlines_in_values))


def _options(names, wanted, skip_rows: int, delimiter: str, newlines_in_values: bool) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return {
        "read_options": pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, block_size=BLOCK_SIZE),
        "parse_options": pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values),
        "convert_options": pacsv.ConvertOptions(include_columns=wanted, column_types={c: pa.string() for c in wanted},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
    }


def _not_utf8(exc: Exception) -> bool:
    return "UTF8" in str(exc) or "UTF-8" in str(exc)
