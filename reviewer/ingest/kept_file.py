"""A file's bytes, compressed in the background while the file is parsed.

Imports keep the file itself (store.sources) so that peer-compatible exports can repeat
its rows. zstd level 1 costs about 0.3 s of one core per 240 MB and runs in a thread
started before the parse, so it overlaps the parse and the inserts instead of adding to them.
"""
from __future__ import annotations

import hashlib
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


def decompress(data: bytes, codec: str, raw_size: int) -> bytes:
    return pa.Codec(codec).decompress(data, decompressed_size=raw_size, asbytes=True)
