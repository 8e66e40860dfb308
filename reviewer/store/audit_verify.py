"""Check the audit log end to end, and against the tables it describes.

The chain (each entry's hash covers its content and the previous entry's hash) finds an edited,
deleted or reordered entry. A chain cut at its tail, or edited and hashed again from there on,
is internally consistent: a seal kept outside the database (the head entry's id and hash,
written by `reviewer audit seal`) finds those. The tables find what the chain alone cannot: a
decision or review edited in place, a decision with no entry, an entry forged for a decision
that does not exist.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer.store import models as m
from reviewer.store.audit import GENESIS, digest

EDITED_ENTRY, DELETED, REORDERED, CUT_TAIL, REHASHED = (
    "edited audit entry", "deleted audit entries", "reordered audit entries", "cut tail", "re-hashed chain")
FORGED, EDITED_DECISION, EDITED_REVIEW, UNRECORDED = (
    "forged audit entry", "edited decision", "edited review", "decision without audit entry")
DECIDING = ("decision.accept", "decision.override")


@dataclass(frozen=True)
class Finding:
    kind: str
    entry_id: int | None
    detail: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}: " if self.entry_id is not None else ""
        return f"{self.kind}: {where}{self.detail}"


@dataclass(frozen=True)
class Head:
    entry_id: int
    hash: str
    entries: int


def head(session: Session) -> Head:
    last = session.execute(select(m.AuditEntry.id, m.AuditEntry.hash).order_by(m.AuditEntry.id.desc()).limit(1)).first()
    count = session.query(m.AuditEntry).count()
    return Head(last[0], last[1], count) if last else Head(0, GENESIS, 0)


def _after(entry: m.AuditEntry) -> dict:
    try:
        value = json.loads(entry.after or "null")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def check_chain(entries: list[m.AuditEntry]) -> list[Finding]:
    found: list[Finding] = []
    position = {e.hash: e for e in entries}
    prev, prev_id = GENESIS, None
    for e in entries:
        if digest(e.prev_hash, e.at, e.user_name, e.action, e.entity, e.entity_id, e.before, e.after) != e.hash:
            found.append(Finding(EDITED_ENTRY, e.id, f"its content ({e.action} on {e.entity} {e.entity_id}) "
                                                     "no longer matches its hash"))
        if e.prev_hash != prev:
            linked = position.get(e.prev_hash)
            expected_id = 1 if prev_id is None else prev_id + 1
            if linked is not None:
                before = "the start" if prev_id is None else f"entry {prev_id}"
                found.append(Finding(REORDERED, e.id, f"it follows entry {linked.id} in the chain but is stored "
                                                      f"after {before}"))
            elif e.id != expected_id:
                found.append(Finding(DELETED, e.id, f"entries {expected_id} to {e.id - 1} are missing "
                                                    "(this entry links to one no longer there)"))
            else:
                found.append(Finding(FORGED, e.id, "it links to no entry in the log (inserted, or entries "
                                                   "before it were removed and the rest renumbered)"))
        prev, prev_id = e.hash, e.id
    return found


def check_seal(entries: list[m.AuditEntry], entry_id: int, sealed_hash: str, sealed_at: str) -> list[Finding]:
    by_id = {e.id: e for e in entries}
    sealed = by_id.get(entry_id)
    if sealed is None:
        last = entries[-1].id if entries else 0
        if entry_id > last:
            return [Finding(CUT_TAIL, None, f"the log ends at entry {last}; the seal of {sealed_at} names entry "
                                            f"{entry_id} (entries after {last} were removed)")]
        return [Finding(DELETED, entry_id, f"the entry the seal of {sealed_at} names is no longer in the log")]
    if sealed.hash != sealed_hash:
        return [Finding(REHASHED, entry_id, f"its hash is {sealed.hash[:12]}…, the seal of {sealed_at} says "
                                            f"{sealed_hash[:12]}…: the chain up to it was rewritten and hashed again")]
    return []


def check_tables(session: Session, entries: list[m.AuditEntry]) -> list[Finding]:
    found: list[Finding] = []
    decisions = {d.id: d for d in session.scalars(select(m.Decision))}
    recorded: dict[int, m.AuditEntry] = {}
    undone: dict[int, m.AuditEntry] = {}
    latest: dict[int, m.AuditEntry] = {}
    for e in entries:
        if e.entity != "conviction" or not e.action.startswith("decision."):
            continue
        after = _after(e)
        latest[e.entity_id] = e
        if e.action in DECIDING:
            recorded[after.get("decision_id")] = e
            if after.get("decision_id") not in decisions:
                found.append(Finding(FORGED, e.id, f"it records decision {after.get('decision_id')} on conviction "
                                                   f"{e.entity_id}, which is not in the decision table"))
        elif e.action == "decision.undo":
            undone[after.get("undone_decision_id")] = e
    for d in decisions.values():
        e = recorded.get(d.id)
        if e is None:
            found.append(Finding(UNRECORDED, None, f"decision {d.id} on conviction {d.conviction_id} has no audit "
                                                   "entry (written outside Reviewer, or its entry was removed)"))
            continue
        after = _after(e)
        table = {"outcome": d.outcome, "decided_by": d.user_name, "evaluation_id": d.evaluation_id,
                 "conviction": d.conviction_id, "kind": d.kind.lower()}
        logged = {"outcome": after.get("outcome"), "decided_by": after.get("decided_by"),
                  "evaluation_id": after.get("evaluation_id"), "conviction": e.entity_id,
                  "kind": e.action.split(".", 1)[1]}
        if "reason" in after:
            table["reason"], logged["reason"] = d.reason, after.get("reason")
        for field, value in table.items():
            if logged[field] != value:
                found.append(Finding(EDITED_DECISION, e.id, f"decision {d.id}: {field} is {value!r} in the table, "
                                                            f"{logged[field]!r} in the audit log"))
        if (d.undone_at is not None) != (d.id in undone):
            found.append(Finding(EDITED_DECISION, e.id, f"decision {d.id} is {'' if d.undone_at else 'not '}marked "
                                                        f"undone in the table, {'' if d.id in undone else 'not '}in "
                                                        "the audit log"))
    for r in session.scalars(select(m.Review)):
        e = latest.get(r.conviction_id)
        logged = _after(e) if e is not None else {"status": "pending", "outcome": None, "decision_id": None,
                                                   "version": 0}
        differ = [f"{field} is {getattr(r, field)!r} in the review table, {logged.get(field)!r} in the audit log"
                  for field in ("status", "outcome", "decision_id", "version") if logged.get(field) != getattr(r, field)]
        if differ:
            found.append(Finding(EDITED_REVIEW, e.id if e is not None else None,
                                 f"conviction {r.conviction_id}: " + "; ".join(differ)))
    return found


def verify(session: Session, seal: tuple[int, str, str] | None = None) -> tuple[list[Finding], Head]:
    """Everything found (empty when all holds), and the log's head. `seal`: (entry id, hash, when sealed)."""
    entries = list(session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)))
    found = check_chain(entries)
    if seal is not None:
        found += check_seal(entries, *seal)
    found += check_tables(session, entries)
    return found, head(session)
