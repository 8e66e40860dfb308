"""Which SQLite files this process has open through sqlite3, so that ADBC's SQLite can be kept off them.

ADBC's driver links its own copy of SQLite. Two SQLite copies in one process with the same file
open lose each other's POSIX locks (closing either's descriptor drops the process's locks on the
file), and one can delete the other's WAL (sqlite.org/howtocorrupt.html, 2.2.1). Every engine of
`store.database` counts its connections here; `sole_use(path)` lets a bulk load open the file only
while this process holds no other connection to it, and holds back any new one until it is done.
Other processes are no hazard: their locks are their own, and SQLite's locking works between them.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_changed = threading.Condition()
_open: Counter[str] = Counter()
_sole: dict[str, int] = {}  # path -> the thread loading it


def _forked() -> None:
    """A forked child (evaluation workers) starts with a fresh gate: the lock may have been held by another
    thread of the parent at the fork, and the parent's connections and loads are not the child's."""
    global _changed
    _changed = threading.Condition()
    _open.clear()
    _sole.clear()


if hasattr(os, "register_at_fork"):  # Unix only: Windows has no fork (its workers are spawned, fresh)
    os.register_at_fork(after_in_child=_forked)


def key(path: str | os.PathLike) -> str:
    return os.path.realpath(os.fspath(path))


def opening(path: str) -> None:
    """A sqlite3 connection to `path` is about to open: wait while a bulk load has the file to itself."""
    with _changed:
        if _sole.get(path) == threading.get_ident():
            raise RuntimeError("a connection to a file this thread is bulk loading by ADBC: it would wait for itself")
        while path in _sole:
            _changed.wait()
        _open[path] += 1


def closed(path: str) -> None:
    with _changed:
        if _open[path] > 0:
            _open[path] -= 1
        if not _open[path]:
            del _open[path]
        _changed.notify_all()


def open_connections(path: str) -> int:
    with _changed:
        return _open.get(path, 0)


@contextmanager
def sole_use(path: str) -> Iterator[bool]:
    """True, and no sqlite3 connection of this process opens `path` until the block ends; False (and
    nothing held) when one is open already. (A connection that was never closed, only dropped, still
    counts: the answer errs towards False.)"""
    with _changed:
        free = not _open.get(path) and path not in _sole
        if free:
            _sole[path] = threading.get_ident()
    try:
        yield free
    finally:
        if free:
            with _changed:
                _sole.pop(path, None)
                _changed.notify_all()
