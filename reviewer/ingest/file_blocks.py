"""A file read once, in blocks, by the CSV parser: each block hashed, compressed and checked as it passes.

Reading the whole file into memory first cost its size again at the peak (796 MB more on a
gogen-shaped file of a million rows). Here the parser pulls blocks through `BlockTee`, which
feeds every raw byte to the kept copy (SHA-256 and zstd, `kept_file.KeptStream`) and notes what
the whole-file checks need: the line feeds counted, the last byte, the first NUL. Anything
unusual (a NUL, a parse that fails) sends the caller back to the whole-file path, which finds
the line and says what is wrong; a normal file is read exactly once.
"""
from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from reviewer.ingest.kept_file import KeptStream
from reviewer.ingest.raw_text import BOM


class BlockTee(io.RawIOBase):
    """A readable file for the parser: the file's bytes, less a leading BOM, with each block kept."""

    def __init__(self, path: str | Path, keep: KeptStream) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close(), the parser's reader owns it
        self._keep = keep
        self._first = True
        self.size = 0
        self.line_feeds = 0
        self.last_byte = b""
        self.nul_seen = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1):
        """The next block, in memory of Arrow's own pool (the parser's blocks come and go by the hundred;
        the C library's heap, where a bytes object of 8 MB lives, then kept hundreds of MB of later
        allocations: once a block that size was freed, it stopped giving large ones back to the system)."""
        if size is None or size < 0:
            size = 8 << 20
        buffer = pa.allocate_buffer(size, resizable=True)
        got = self._file.readinto(memoryview(buffer))
        if not got:
            return b""
        block = buffer.slice(0, got) if got < size else buffer
        self._keep.add(block)
        self.size += len(block)
        whole = _as_binary(block)  # counted in place by Arrow's kernels: no temporary of the block's size
        self.line_feeds += pc.count_substring(whole, "\n")[0].as_py()
        self.nul_seen = self.nul_seen or pc.find_substring(whole, "\x00")[0].as_py() >= 0
        self.last_byte = block.slice(got - 1).to_pybytes()
        if self._first:
            self._first = False
            if block.slice(0, len(BOM)).to_pybytes() == BOM:
                block = block.slice(len(BOM))
        return block

    def readinto(self, buffer) -> int:  # io.RawIOBase's contract; the parser itself calls read()
        block = self.read(len(buffer))
        buffer[: len(block)] = block
        return len(block)

    def close(self) -> None:
        self._file.close()
        super().close()

    def physical_lines(self) -> int:
        """Lines as the whole-file path counts them (raw_text.line_numbers): LFs, plus an unended last line."""
        return self.line_feeds + (0 if self.last_byte == b"\n" or not self.size else 1)


def _as_binary(block: pa.Buffer) -> pa.Array:
    """One binary value holding the block, without copying it."""
    offsets = pa.array([0, block.size], pa.int64()).buffers()[1]
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, block])
