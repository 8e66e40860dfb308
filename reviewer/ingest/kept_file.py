"""A file's bytes, compressed (and hashed) in the background while the file is parsed.

Imports keep the file itself (store.sources) so that peer-compatible exports can repeat
its rows. zstd level 1 costs about 0.3 s of one core per 240 MB and runs in a thread
started before the parse, so it overlaps the parse and the inserts instead of adding to them.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pyarrow as pa

CODEC = "zstd"
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-compress")


def _compress(raw: bytes) -> bytes:
    return pa.Codec(CODEC, compression_level=1).compress(raw, asbytes=True)


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class KeptFile:
    """The compressed bytes of one input file and its SHA-256, both worked out in the background
    (`compressed()` and `sha256()` wait for them)."""

    codec = CODEC

    def __init__(self, raw: bytes) -> None:
        self.raw_size = len(raw)
        self._digest: Future = _pool.submit(_sha256, raw)
        self._future: Future = _pool.submit(_compress, raw)

    def sha256(self) -> str:
        return self._digest.result()

    def compressed(self) -> bytes:
        return self._future.result()

    def compressed_parts(self, size: int) -> Iterator[bytes]:
        data = self.compressed()
        for start in range(0, len(data), size):
            yield data[start : start + size]


def decompress(data: bytes, codec: str, raw_size: int) -> bytes:
    return pa.Codec(codec).decompress(data, decompressed_size=raw_size, asbytes=True)


class KeptStream:
    """The same, built block by block as the file is read (ingest.file_blocks): no copy of the whole file
    is ever held. Each block is its own zstd frame (frames one after another decompress as one). The
    frames wait in a temporary file past SPOOL bytes (a gogen-shaped file of 796 MB compresses to
    339 MB): it is the user's own, unlinked from the start, and gone when the import ends."""

    codec = CODEC
    SPOOL = 64 << 20

    def __init__(self) -> None:
        self.raw_size = 0
        self._hash = hashlib.sha256()
        self._codec = pa.Codec(CODEC, compression_level=1)
        self._frames = tempfile.SpooledTemporaryFile(max_size=self.SPOOL, prefix="reviewer-kept-")  # noqa: SIM115 - lives as long as the import

    def add(self, block) -> None:
        self.raw_size += len(block)
        self._hash.update(block)
        self._frames.write(self._codec.compress(block, asbytes=True))

    def sha256(self) -> str:
        return self._hash.hexdigest()

    def compressed_parts(self, size: int) -> Iterator[bytes]:
        """The compressed file in parts of at most `size` bytes, read one at a time."""
        self._frames.seek(0)
        while part := self._frames.read(size):
            yield part

    def compressed(self) -> bytes:
        return b"".join(self.compressed_parts(32 << 20))
