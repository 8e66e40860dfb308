"""Read a DOJ research file into column tables of persons and convictions.

The hot path is columnar (pyarrow on every core, in segments of whole lines): no Python work per row. Python runs
only per *distinct* offense text and level pair, and per flagged row.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from reviewer.ingest.doj_columns import (
    arrest_columns_apart,
    convictions,
    derive,
    grouped_by_person,
    persons,
    row_problems,
    rows_that_matter,
)
from reviewer.ingest.doj_format import DOJ_COLUMNS, FIELD_COUNT, USED_COLUMNS
from reviewer.ingest.file_blocks import FileSegments
from reviewer.ingest.kept_file import KeptFile, KeptStream
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.ingest.line_decoding import decode_lines
from reviewer.ingest.open_quote import last_line, open_quote, refuse_open_quote
from reviewer.ingest.raw_text import (
    SAMPLE, NotParsed, NotUtf8, check_not_binary, cr_line_ends_to_lf, first_bad_line, first_line_fields, line_numbers,
    parse_string_columns, parse_string_segment, read_regular_file, refuse_special_file, rejection, strip_bom,
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
    kept: KeptFile | KeptStream | None = None  # the file itself, compressed, for exports that repeat its rows

    @property
    def flagged_rows(self) -> int:
        return len({p.line for p in self.problems})


def read_doj_file(path: str | Path, today: date | None = None) -> DojExtract:
    """A file on disk, read once in blocks (hashed and compressed as the parser takes them) when it is
    a plain UTF-8 file with LF line ends; anything else, or anything wrong, takes the whole-file path,
    which finds the line and says what is wrong (the same answers either way)."""
    path = Path(path)
    streamed = _read_streamed(path, today)
    return streamed if streamed is not None else read_doj_bytes(read_regular_file(path), path.name, today)


def read_ahead(path: str | Path, today: date | None = None) -> Future[DojExtract]:
    """read_doj_file on a thread of its own, started now: the command line starts it before the rest of
    Reviewer loads and the database opens (about a second the read would otherwise wait for). A daemon
    thread: a command that stops meanwhile (a usage or database error) does not wait for the read."""
    future: Future[DojExtract] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(read_doj_file(path, today))
        except BaseException as exc:  # noqa: BLE001 - the caller's result() raises it
            future.set_exception(exc)

    threading.Thread(target=run, name="read-ahead", daemon=True).start()
    return future


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
    if lines is None:
        raise rejection(name, first_bad_line(data, FIELD_COUNT, header), f"expected {FIELD_COUNT}", DOJ_COLUMNS)
    refuse_open_quote(data, int(lines[-1]), name, DOJ_COLUMNS)  # a value running to the end of the file
    del data
    rows = _Kept()
    rows.add(table, lines)
    del table, lines  # the whole parsed file: only the rows that matter are used from here (peak memory)
    return _extract(rows, name, today, encoding, fallback, keep)


def _read_streamed(path: Path, today: date | None) -> DojExtract | None:
    """The block path, or None where the whole-file path must decide (see read_doj_file)."""
    refuse_special_file(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(SAMPLE)
    except OSError:
        return None  # the whole-file path says why it cannot be read
    if not _plain_head(head):
        return None
    try:
        header = _check_first_line(strip_bom(head), path.name)
    except FileRejected:
        return None  # (a NUL further on is what the whole-file path names first)
    keep = KeptStream(path)
    parsed = _parse_blocks(path, keep, header)
    if parsed is None:
        keep.discard()
        return None
    return _extract(parsed, path.name, today, "utf-8", [], keep)


@dataclass
class _Kept:
    """The rows that matter of a parsed file (doj_columns.rows_that_matter), taken segment by segment as the
    parser gives them, and what the file-wide checks need: the rows parsed, and whether one has a
    SUBJECT_ID. Taking them as they come, the parsed file is never held whole, and the filtering overlaps
    the parser's threads."""

    kept: list[pa.Table] = field(default_factory=list)
    arrests: list[pa.Table] = field(default_factory=list)
    rows: int = 0
    named: bool = False

    def add(self, table: pa.Table, lines) -> None:
        """`table`'s rows, on file lines `lines`."""
        self.named = self.named or bool(pc.any(pc.not_equal(pc.utf8_trim_whitespace(table.column("SUBJECT_ID")),
                                                            "")).as_py())
        kept, arrests = rows_that_matter(table, lines)
        self.kept.append(kept)
        self.arrests.append(arrests)
        self.rows += table.num_rows

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """(the kept rows, a person's together: grouped_by_person; the arrest rows), emptying self. Each
        column in one piece: the column work on a hundred blocks' pieces took 0.6 s more (1M rows)."""
        kept, arrests = pa.concat_tables(self.kept).combine_chunks(), pa.concat_tables(self.arrests).combine_chunks()
        self.kept.clear()
        self.arrests.clear()
        return grouped_by_person(kept), arrests


def _parse_blocks(path: Path, keep: KeptStream, header: bool) -> _Kept | None:
    """The rows that matter, or None where the whole-file path must decide: a blank line, or a lone CR
    that ended a row, shows in the count of lines; the parse refuses a line break inside quotes. Every
    line is a row here, so rows are numbered by counting them."""
    first = 2 if header else 1
    rows = _Kept()
    names, wanted = list(DOJ_COLUMNS), list(USED_COLUMNS)
    try:
        with FileSegments(path, keep) as source:
            for index, segment in enumerate(source):
                table = parse_string_segment(segment, names, wanted, 1 if header and index == 0 else 0)
                rows.add(table, _consecutive(first + rows.rows, table.num_rows))
    except (NotParsed, NotUtf8, OSError):
        return None
    if source.nul_seen or rows.rows == 0:
        return None
    if source.physical_lines() != rows.rows + first - 1:  # blank lines: count where each row starts
        return None
    if open_quote(strip_bom(last_line(path)).decode("utf-8", errors="replace")):  # (each line is a row here)
        return None
    return rows


def _plain_head(head: bytes) -> bool:
    """The first block shows a text file with LF (or CRLF) line ends: a file of CR alone, an empty or a
    binary one takes the whole-file path, which converts or refuses it."""
    if not head.strip():
        return False
    try:
        check_not_binary(head, "")
    except FileRejected:
        return False
    return b"\n" in head


def _give_back() -> None:
    """Return what Arrow's pool freed to the system. The parser's threads each allocate from their own
    heap; what they allocated and the main thread freed is not reused by the main thread's next
    allocations, so without this the import's peak carried the whole parse (about 300 MB on 1M rows)."""
    pa.default_memory_pool().release_unused()


def _consecutive(first: int, rows: int):
    import numpy as np

    return np.arange(first, first + rows, dtype=np.int64)


def _extract(parsed: _Kept, name: str, today: date | None, encoding: str, fallback: list[int],
             keep: KeptFile | KeptStream) -> DojExtract:
    """`parsed` is emptied here: no caller keeps a reference, so its blocks are freed as soon as they are
    joined and worked out (the import's peak)."""
    if not parsed.named:  # (a file of empty fields, or without a single SUBJECT_ID, has nothing to import)
        raise FileRejected(name, None, f"no row has a SUBJECT_ID ({parsed.rows} rows of empty fields?): "
                                       "nothing to import")
    rows = parsed.rows
    kept, arrests = parsed.tables()
    _give_back()
    arrested = arrest_columns_apart(arrests)
    del arrests
    cols = derive(kept)
    del kept
    _give_back()
    problems = sorted(row_problems(cols, today) + [_fallback_problem(line) for line in fallback], key=lambda p: p.line)
    return DojExtract(name, keep.sha256(), encoding, rows, persons(cols),
                      convictions(cols, problems, name, arrested.result()), problems, keep)


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
        raise rejection(name, first_bad_line(data, FIELD_COUNT, header), f"expected {FIELD_COUNT}", DOJ_COLUMNS)
    return table
