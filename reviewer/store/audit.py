"""The append-only audit log: each entry's hash chains to the previous one."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from reviewer.store.models import AuditEntry

GENESIS = "0" * 64


def digest(prev: str, at: datetime, user: str, action: str, entity: str, entity_id, before, after) -> str:
    payload = json.dumps([prev, at.isoformat(), user, action, entity, entity_id, before, after], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


class AuditLog:
    """Writes entries in the caller's session; never updates or deletes."""

    def __init__(self, session: Session, deferred: bool = False) -> None:
        """`deferred`: keep the entries until `write_pending()` (called before commit), so that the chain's
        lock is held only while they are written, not while the changes they record are made."""
        self.session = session
        self._last: str | None = None
        self._deferred = deferred
        self._pending: list[tuple] = []

    def _last_hash(self) -> str:
        if self._last is None:
            if self.session.get_bind().dialect.name == "postgresql":
                # Serialise writers of the chain across concurrent reviewers (released at commit).
                self.session.execute(text("SELECT pg_advisory_xact_lock(641361, hashtext(current_schema()))"))
            row = self.session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
            self._last = row[0] if row else GENESIS
        return self._last

    def record(self, user: str, action: str, entity: str, entity_id: int | None, before: Any = None, after: Any = None,
               at: datetime | None = None) -> AuditEntry | None:
        at = at or datetime.now()
        if self._deferred:
            self._pending.append((user, action, entity, entity_id, before, after, at))
            return None
        return self._write(user, action, entity, entity_id, before, after, at)

    def write_pending(self) -> None:
        pending, self._pending, self._deferred = self._pending, [], False
        for entry in pending:
            self._write(*entry)

    def _write(self, user, action, entity, entity_id, before, after, at: datetime) -> AuditEntry:
        before_s, after_s = _dump(before), _dump(after)
        prev = self._last_hash()
        hashed = digest(prev, at, user, action, entity, entity_id, before_s, after_s)
        entry = AuditEntry(at=at, user_name=user, action=action, entity=entity, entity_id=entity_id,
                           before=before_s, after=after_s, prev_hash=prev, hash=hashed)
        self.session.add(entry)
        self._last = hashed
        return entry


def verify_chain(session: Session) -> int | None:
    """Id of the first entry whose hash does not match its content or predecessor; None when intact."""
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        expected = digest(prev, entry.at, entry.user_name, entry.action, entry.entity, entry.entity_id,
                           entry.before, entry.after)
        if entry.prev_hash != prev or entry.hash != expected:
            return entry.id
        prev = entry.hash
    return None
