"""Reasons that many evaluations share, stored once.

An evaluation's `reasons` column is a JSON list. Each element is either a reason written out
({"rule": ..., "citation": ..., "text": ...}, compact) or, for a reason that thousands of
evaluations carry word for word (which layer decided, a county policy's rule, the itemised
"no felony exception"), a reference: a JSON string of KEY_LENGTH hexadecimal digits, the start of
the SHA-256 of the written-out reason, which `shared_reason` holds under that key (column `ref`).

Readers get the list written out (`expand`): the same text as if every reason had been stored
in place. Evaluations stored before references existed have none and read as they are.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Iterator, Mapping

from sqlalchemy import Connection, select

from reviewer.store import bulk
from reviewer.store import models as m

KEY_LENGTH = 16
SR = m.SharedReason
# A reference is an element of the list: a string right after "[" or "," and before "," or "]".
# (Inside a JSON string every quote is escaped, so this sequence only occurs as an element.)
_REFERENCE = re.compile(r'(?<=[\[,])"([0-9a-f]{16})"(?=[,\]])')  # {16}: KEY_LENGTH


class SharedReasonConflict(ValueError):
    """Two different reasons with the same key (never expected: 64 bits of SHA-256)."""


def reason_key(written: str) -> str:
    """The key of one written-out reason (its compact JSON)."""
    return hashlib.sha256(written.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def reference(key: str) -> str:
    return f'"{key}"'


def keys_in(texts: Iterable[str | None]) -> set[str]:
    keys: set[str] = set()
    for text in texts:
        if text:
            keys.update(_REFERENCE.findall(text))
    return keys


def load(conn: Connection, keys: Iterable[str] | None = None) -> dict[str, str]:
    """key -> written-out reason: all of them, or those of `keys` (few)."""
    if keys is None:
        return dict(bulk.read_rows(conn, select(SR.ref, SR.reason)))
    wanted = sorted(set(keys))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        found.update((r[0], r[1]) for r in conn.execute(select(SR.ref, SR.reason).where(SR.ref.in_(part))))
    return found


def save(conn: Connection, shared: Mapping[str, str]) -> None:
    """Store the reasons not yet stored (within the caller's transaction)."""
    if not shared:
        return
    known = load(conn, shared)
    for key, written in known.items():
        if shared[key] != written:
            raise SharedReasonConflict(f"two different reasons share the key {key}; nothing was saved")
    new = [(key, written) for key, written in shared.items() if key not in known]
    if new:
        bulk.insert_rows(conn, "shared_reason", ("ref", "reason"), new, "ON CONFLICT (ref) DO NOTHING")
        if len(load(conn, [k for k, _ in new])) != len(new):  # (cannot happen: the rows were just written)
            raise SharedReasonConflict("shared reasons were not stored")


def expand(text: str | None, shared: Mapping[str, str]) -> str:
    """The reasons JSON with every reference written out (as stored when it has none)."""
    if not text:
        return ""
    return _REFERENCE.sub(lambda match: shared.get(match.group(1)) or _missing(match.group(1)), text)


def _missing(key: str) -> str:
    """What a reference reads as when its reason is not on file (only if someone deleted it)."""
    return f'{{"rule":"","citation":"","text":"(a reason missing from the database: {key})"}}'


# What one process has read, by key. A key is the hash of its text, so what it names is the same in every
# database: a cache needs no invalidation, only a bound.
_READ: dict[str, str] = {}
_READ_BOUND = 20_000


def expanded(conn: Connection, text: str | None) -> str:
    """One evaluation's reasons written out (reads only the references this process has not read before)."""
    keys = keys_in([text])
    if not keys:
        return text or ""
    missing = [key for key in keys if key not in _READ]
    if missing:
        if len(_READ) + len(missing) > _READ_BOUND:
            _READ.clear()
        _READ.update(load(conn, missing))
    return expand(text, _READ)


def expand_rows(conn: Connection, rows: Iterable, column: int) -> Iterator[tuple]:
    """Rows (tuples) with their reasons column written out; the shared reasons are read once, when a row
    first needs them."""
    shared: dict[str, str] | None = None
    for row in rows:
        row = tuple(row)
        text = row[column]
        if text and _REFERENCE.search(text):
            if shared is None:
                shared = load(conn)
            row = (*row[:column], expand(text, shared), *row[column + 1:])
        yield row
