"""A file read in segments of whole lines for the CSV parser: each segment hashed and checked as it passes.

Reading the whole file into memory first cost its size again at the peak (796 MB more on a
gogen-shaped file of a million rows). Here the file is read SEGMENT bytes at a time, cut after its
last line feed (the rest starts the next segment), and each segment is parsed whole by the threaded
parser (raw_text.parse_string_segment) while a worker thread hands it to the kept copy (SHA-256 in
order; the zstd copy is made behind, `kept_file.KeptStream`), counts its line feeds and looks for a NUL. Python runs a few
steps per segment, not per parser block: with the parser pulling 2 MB blocks through a Python file
object, the read held the GIL 120 times on a 240 MB file and waited for the rest of the command's
Python each time. Anything unusual (a NUL, a parse that fails) sends the caller back to the whole-file
path, which finds the line and says what is wrong; a normal file is parsed exactly once.
"""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from reviewer.ingest.kept_file import KeptStream
from reviewer.ingest.raw_text import BOM

SEGMENT = 16 << 20  # bytes read at a time (memory: about three segments, raw and parsed, at once; 32 MB held 90 MB more)
_TAIL = 1 << 16  # where the last line feed is looked for first (a longer last line: the whole segment)
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-blocks")


class FileSegments:
    """The file's bytes, less a leading BOM, as segments of whole lines (the last one as the file ends).
    `nul_seen` and `line_feeds` are final once the segments are closed (closing waits for the worker)."""

    def __init__(self, path: str | Path, keep: KeptStream) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        self._keep = keep
        self._pending: Future | None = None
        self.nul_seen = False
        self.line_feeds = 0
        self.ends_with_line_feed = True

    def __enter__(self) -> FileSegments:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[pa.Buffer]:
        carry = b""
        first = True
        while True:
            buffer = pa.allocate_buffer(len(carry) + SEGMENT, resizable=True)
            view = memoryview(buffer).cast("B")
            view[: len(carry)] = carry
            got = self._file.readinto(view[len(carry):])
            size = len(carry) + got
            if not size:
                return
            segment = buffer.slice(0, size)
            if got:
                cut = _after_last_line_feed(segment)
                if cut == 0:  # not one whole line yet: read on
                    carry = segment.to_pybytes()
                    continue
                carry = segment.slice(cut).to_pybytes()
                segment = segment.slice(0, cut)
            else:
                carry = b""
            self._kept(segment)
            if first and segment.slice(0, len(BOM)).to_pybytes() == BOM:
                segment = segment.slice(len(BOM))
            first = False
            yield segment
            if not got:
                return

    def _kept(self, segment: pa.Buffer) -> None:
        """The segment to the worker, once the one before is kept (the copy hashes them in order)."""
        if self._pending is not None:
            self._pending.result()
        self._pending = _worker.submit(self._take, segment)

    def _take(self, segment: pa.Buffer) -> None:
        self._keep.add(segment)
        octets = np.frombuffer(segment, dtype=np.uint8)
        self.nul_seen = self.nul_seen or not octets.all()
        self.line_feeds += int(np.count_nonzero(octets == 10))
        self.ends_with_line_feed = octets[-1] == 10

    def physical_lines(self) -> int:
        """Lines as the whole-file path counts them (raw_text.line_numbers): LFs, plus an unended last line."""
        return self.line_feeds + (0 if self.ends_with_line_feed else 1)

    def close(self) -> None:
        if not self._file.closed:
            try:
                if self._pending is not None:
                    self._pending.result()
            finally:
                self._file.close()
                self._keep.finish()


def _after_last_line_feed(segment: pa.Buffer) -> int:
    """The offset just past the segment's last LF; 0 when it holds none."""
    octets = np.frombuffer(segment, dtype=np.uint8)
    tail = octets[-_TAIL:]
    found = np.flatnonzero(tail == 10)
    if len(found):
        return len(octets) - len(tail) + int(found[-1]) + 1
    found = np.flatnonzero(octets == 10)
    return int(found[-1]) + 1 if len(found) else 0
