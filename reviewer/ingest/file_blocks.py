"""A file read in blocks by the CSV parser: each block hashed and checked as it passes.

Reading the whole file into memory first cost its size again at the peak (796 MB more on a
gogen-shaped file of a million rows). Here the parser pulls blocks through `BlockTee`, which
hands every raw block to a worker thread that feeds the kept copy (SHA-256 in order; the zstd copy
is made behind, `kept_file.KeptStream`) and notes what the whole-file checks need: the line feeds
counted, the last byte, a NUL. The worker runs beside the parser (both release the GIL), a few
blocks behind at most. Anything unusual (a NUL, a parse that fails) sends the caller back to the
whole-file path, which finds the line and says what is wrong; a normal file is parsed exactly once.
"""
from __future__ import annotations

import io
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from reviewer.ingest.kept_file import KeptStream
from reviewer.ingest.raw_text import BLOCK_SIZE, BOM

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-blocks")
AHEAD = 4  # blocks read but not yet kept and counted, at most (memory: AHEAD x the parser's block)


class BlockTee(io.RawIOBase):
    """A readable file for the parser: the file's bytes, less a leading BOM, with each block kept.
    The counts are final once the tee is closed (closing waits for the worker)."""

    def __init__(self, path: str | Path, keep: KeptStream) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close(); the parser reads through us
        self._keep = keep
        self._pending: deque[Future] = deque()
        self._first = True
        self.size = 0
        self.line_feeds = 0
        self.last_byte = b""
        self.nul_seen = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1):
        """The next block, in memory of Arrow's own pool, handed to the parser without a copy."""
        size = size if size is not None and size >= 0 else BLOCK_SIZE
        buffer = pa.allocate_buffer(size, resizable=True)
        got = self._file.readinto(memoryview(buffer))
        if not got:
            return b""
        block = buffer.slice(0, got) if got < size else buffer
        self.size += got
        while len(self._pending) >= AHEAD:
            self._pending.popleft().result()
        self._pending.append(_worker.submit(self._take, block))
        if self._first:
            self._first = False
            if block.slice(0, len(BOM)).to_pybytes() == BOM:
                block = block.slice(len(BOM))
        return block

    def _take(self, block: pa.Buffer) -> None:
        """On the worker, one block after another in the file's order (the kept copy hashes it, and
        compresses it on a thread of its own)."""
        self._keep.add(block)
        octets = np.frombuffer(block, dtype=np.uint8)
        self.line_feeds += int(np.count_nonzero(octets == 10))
        self.nul_seen = self.nul_seen or not octets.all()
        self.last_byte = octets[-1:].tobytes()

    def readinto(self, buffer) -> int:  # io.RawIOBase's contract; the parser itself calls read()
        block = self.read(len(buffer))
        buffer[: len(block)] = block
        return len(block)

    def close(self) -> None:
        if not self.closed:
            try:
                while self._pending:
                    self._pending.popleft().result()
            finally:
                self._file.close()
                self._keep.finish()
        super().close()

    def physical_lines(self) -> int:
        """Lines as the whole-file path counts them (raw_text.line_numbers): LFs, plus an unended last line."""
        return self.line_feeds + (0 if self.last_byte == b"\n" or not self.size else 1)
