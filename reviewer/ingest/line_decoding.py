"""Text that is not all UTF-8, decoded line by line.

A DOJ or case-system export is UTF-8, or Windows-1252 as a whole (older Windows tools), or
UTF-8 with a few lines pasted from a Windows-1252 source. Decoding the whole file as one
legacy encoding garbles every accented name of the UTF-8 lines; so only the lines that are
not UTF-8 are read as Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves undefined),
and in a mixed file those lines are flagged.

Only lines holding a byte above 0x7F are looked at (numpy finds them); this runs only when the
parser has already found bytes that are not UTF-8.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

MIXED = "utf-8+cp1252"  # the encoding recorded for a mixed file (fits import_batch.encoding)


@dataclass
class DecodedLines:
    data: bytes  # UTF-8
    encoding: str  # "cp1252" or "latin-1" for a whole legacy file, MIXED for a mixed one
    fallback_lines: list[int] = field(default_factory=list)  # 1-based physical lines read as legacy (mixed only)


def _legacy(line: bytes) -> tuple[str, str]:
    try:
        return line.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return line.decode("latin-1"), "latin-1"


def _lines_with_high_bytes(raw: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(0-based line index, start, stop) of each line that holds a byte above 0x7F."""
    buf = np.frombuffer(raw, dtype=np.uint8)
    high = np.flatnonzero(buf >= 0x80)
    ends = np.flatnonzero(buf == 10)
    index = np.unique(np.searchsorted(ends, high))  # LFs before the byte = its line's index
    starts = np.concatenate(([0], ends + 1))[index]
    stops = np.concatenate((ends, [len(buf)]))[index]
    return index, starts, stops


def decode_lines(raw: bytes) -> DecodedLines:
    """UTF-8 bytes of `raw`, each line decoded as UTF-8 where it is, else as Windows-1252 / Latin-1."""
    index, starts, stops = _lines_with_high_bytes(raw)
    pieces: list[bytes] = []
    fallback: list[tuple[int, str]] = []
    utf8_lines = 0
    previous = 0
    for line, start, stop in zip(index.tolist(), starts.tolist(), stops.tolist()):
        part = raw[start:stop]
        try:
            part.decode("utf-8")
            utf8_lines += 1
            continue
        except UnicodeDecodeError:
            pass
        text, codec = _legacy(part)
        pieces += [raw[previous:start], text.encode("utf-8")]
        previous = stop
        fallback.append((line + 1, codec))
    pieces.append(raw[previous:])
    data = b"".join(pieces)
    codecs = {codec for _, codec in fallback}
    if utf8_lines == 0:  # no line of it is UTF-8: a legacy file as a whole, nothing to flag
        return DecodedLines(data, "latin-1" if "latin-1" in codecs else "cp1252")
    return DecodedLines(data, MIXED, [line for line, _ in fallback])


def text_stream(raw: bytes, encoding: str) -> io.TextIOBase:
    """The kept bytes of an imported file as text, decoded as at import (for exports that repeat rows)."""
    if encoding == MIXED:
        return io.StringIO(decode_lines(raw).data.decode("utf-8-sig"), newline="")
    codec = encoding if encoding not in ("", "ascii", "xlsx", "utf-8") else "utf-8-sig"
    return io.TextIOWrapper(io.BytesIO(raw), encoding=codec, errors="replace", newline="")
