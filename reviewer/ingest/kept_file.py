"""A file's bytes, compressed (and hashed) in the background while the file is parsed.

Imports keep the file itself (store.sources) so that peer-compatible exports can repeat
its rows. zstd level 1 costs about 0.3 s of one core per 240 MB and runs in a thread
started before the parse, so it overlaps the parse and the inserts instead of adding to them.
"""
from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from queue import SimpleQueue

import pyarrow as pa

from reviewer.ingest.problems import FileRejected

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

    def ready(self) -> bool:
        """Whether the compressed bytes are there (compressed_parts would not wait)."""
        return self._future.done()

    def compressed(self) -> bytes:
        return self._future.result()

    def compressed_parts(self, size: int) -> Iterator[bytes]:
        data = self.compressed()
        for start in range(0, len(data), size):
            yield data[start : start + size]


def decompress(data: bytes, codec: str, raw_size: int) -> bytes:
    return pa.Codec(codec).decompress(data, decompressed_size=raw_size, asbytes=True)


class KeptStream:
    """The same, for a file read segment by segment (ingest.file_blocks): no copy of the whole file is ever
    held. The segments are hashed in order as the parser takes them; a thread of its own reads what the
    parser has read again from the file (from the system's cache), FRAME bytes at a time, each
    compressed into its own zstd frame (frames one after another decompress as one; the frames do not
    depend on the parser's segment size), at its own pace: zstd costs more than the parse on a
    wide file (4.5 s of one core for a gogen-shaped file of 796 MB), and the parse no longer waits for
    it; it finishes while the rows are worked out and written. Its own SHA-256 of what it read must
    equal the parser's, else the file changed meanwhile and the import is refused. The frames wait in a
    temporary file past SPOOL bytes (that file compresses to 339 MB): it is the user's own, unlinked
    from the start, and gone when the import ends."""

    codec = CODEC
    SPOOL = 64 << 20
    FRAME = 8 << 20

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.raw_size = 0
        self._hash = hashlib.sha256()
        self._read: SimpleQueue[tuple[int, bool]] = SimpleQueue()  # (bytes the parser has read, whether all)
        self._stop = threading.Event()
        self._frames = tempfile.SpooledTemporaryFile(max_size=self.SPOOL, prefix="reviewer-kept-")  # noqa: SIM115 - lives as long as the import
        self._read_again: Future = Future()
        threading.Thread(target=self._compress, name="reviewer-compress", daemon=True).start()

    def add(self, block) -> None:
        """The parser's next segment (in the file's order)."""
        self.raw_size += len(block)
        self._hash.update(block)
        self._read.put((self.raw_size, False))

    def finish(self) -> None:
        """No more segments."""
        self._read.put((self.raw_size, True))

    def discard(self) -> None:
        """The import does not keep this copy (the caller reads the file another way)."""
        self._stop.set()
        self._read.put((0, True))

    def _compress(self) -> None:
        try:
            codec, check, done, last = pa.Codec(CODEC, compression_level=1), hashlib.sha256(), 0, False
            with open(self.path, "rb") as handle:
                while not last and not self._stop.is_set():
                    read, last = self._read.get()
                    while read - done >= self.FRAME or (last and read > done):
                        block = handle.read(min(self.FRAME, read - done))
                        if not block:
                            break  # the file is shorter than it was (the check below refuses it)
                        check.update(block)
                        self._frames.write(codec.compress(block, asbytes=True))
                        done += len(block)
            self._read_again.set_result(check.hexdigest())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the copy
            self._read_again.set_exception(exc)

    def sha256(self) -> str:
        return self._hash.hexdigest()

    def ready(self) -> bool:
        """Whether the whole file is compressed (compressed_parts would not wait)."""
        return self._read_again.done()

    def compressed_parts(self, size: int) -> Iterator[bytes]:
        """The compressed file in parts of at most `size` bytes, read one at a time (once all is compressed)."""
        if self._read_again.result() != self.sha256():
            raise FileRejected(self.path.name, None, "changed while it was imported: import it again")
        self._frames.seek(0)
        while part := self._frames.read(size):
            yield part

    def compressed(self) -> bytes:
        return b"".join(self.compressed_parts(32 << 20))
