"""A quoted value that is never closed: the CSV parsers (pyarrow's and Python's) read it as a field running
to the end of the file, so a file cut short, or with a stray quote in its last rows, would import with its
last rows folded into one value. Such a file is refused at the line where the quote opens, by field.

Only the file's last record is looked at: one that ends outside quotes cannot hold a value that runs to the
end of the file. On the block path that is the file's last line, read back from the disk (a few kilobytes).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewer.ingest.problems import FileRejected

NEVER_CLOSED = "a quoted value is never closed (it runs to the end of the file)"
TAIL = 1 << 16  # bytes read back at a time from the end of a file


@dataclass(frozen=True)
class OpenQuote:
    """Where a quoted value that is never closed opens, counted from the start of the text looked at."""

    line_feeds: int  # line feeds before its opening quote
    field: int  # 0-based index of its field in its record


def open_quote(text: str, delimiter: str = ",") -> OpenQuote | None:
    """The quoted value open at the end of `text` (which starts where a record starts), or None. As both
    parsers read it: a quote opens a value only as a field's first character; inside one, "" is a quote."""
    if '"' not in text:
        return None
    at, field, end = 0, 0, len(text)
    while at < end:
        if text[at] == '"':
            close = _closing_quote(text, at + 1)
            if close < 0:
                return OpenQuote(text.count("\n", 0, at), field)
            at = close + 1
        stop = _field_end(text, at, delimiter)
        if stop < 0:
            return None
        field = field + 1 if text[stop] == delimiter else 0
        at = stop + 1
    return None


def _closing_quote(text: str, at: int) -> int:
    while True:
        quote = text.find('"', at)
        if quote < 0 or not text.startswith('"', quote + 1):
            return quote
        at = quote + 2


def _field_end(text: str, at: int, delimiter: str) -> int:
    """The delimiter or line feed that ends the field at `at`, or -1 at the end of the text."""
    ends = [i for i in (text.find(delimiter, at), text.find("\n", at)) if i >= 0]
    return min(ends) if ends else -1


def never_closed(index: int, columns: Sequence[str]) -> str:
    """What a rejection says: the field by its column's name, or its place past the last column (the value
    itself is never quoted: it may be a name)."""
    return f"field {columns[index] if index < len(columns) else index + 1}: {NEVER_CLOSED}"


def refuse_open_quote(data: bytes, last_row: int, name: str, columns: Sequence[str], delimiter: str = ",") -> None:
    """FileRejected where a quoted value opened in the last row (which starts at physical line `last_row`
    of the whole file's `data`) is never closed: at the line where its quote opens, by field."""
    found = open_quote(record_tail(data, last_row), delimiter) if may_end_inside_quotes(data, delimiter) else None
    if found is not None:
        raise FileRejected(name, last_row + found.line_feeds, never_closed(found.field, columns))


def may_end_inside_quotes(data: bytes, delimiter: str = ",") -> bool:
    """False where the last quotes of `data` show that it ends outside quotes, read from the end (no need
    to know where its last record starts). A run of an odd number of quotes that does not start a field
    closes the quoted value it is in, or is part of an unquoted one; after it, a run that starts a field and
    holds an even number is a quoted value opened and closed. So only a last odd run that starts a field
    may leave a value open."""
    end = len(data)
    while (last := data.rfind(b'"', 0, end)) >= 0:
        first = last
        while first > 0 and data[first - 1] == 0x22:
            first -= 1
        if (last - first) % 2 == 0:  # an odd number of quotes
            return first == 0 or data[first - 1] in (ord(delimiter), 0x0A, 0x0D)
        end = first
    return False


def record_tail(data: bytes, line: int) -> str:
    """The text from the start of physical `line` (1-based) to the end of `data`, found from the end
    (the last record's line is near it)."""
    start = len(data)
    for _ in range(data.count(b"\n") - line + 2):
        start = data.rfind(b"\n", 0, start)
        if start < 0:
            break
    return data[start + 1:].decode("utf-8", errors="replace")


def last_line(path: str | Path) -> bytes:
    """A file's last physical line (a final line feed ends it), read back from the end of the file."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        back = TAIL
        while True:
            start = max(0, size - back)
            handle.seek(start)
            tail = handle.read(size - start)
            cut = tail.rfind(b"\n", 0, len(tail) - 1)
            if cut >= 0 or start == 0:
                return tail[cut + 1:]
            back *= 4
