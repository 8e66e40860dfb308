"""`reviewer audit verify` finds and names each kind of tampering; `audit seal` anchors the head outside.

The tampering is done as the database's owner would (on PostgreSQL the append-only trigger has
to be disabled first: nobody else can change the log at all).
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role
from reviewer.services import deciding
from reviewer.services.auditing import SealError, seal, verify
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store import audit_verify as av
from reviewer.store import models as m
from reviewer.store.audit import digest
from reviewer.store.database import Database

ATTORNEY = User("A. Deputy", Role.ATTORNEY, "123456")


@pytest.fixture
def decided(db_url, gogen_dir):
    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv", user="admin")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="admin")
    ids = [cid for cid in deciding.pending_ids(db)]
    result = deciding.accept_many(db, ids, ATTORNEY)  # the acceptable ones (others need review)
    assert len(result.decided) >= 4
    over = deciding.decide(db, result.decided[0].conviction_id, ATTORNEY, DecisionKind.OVERRIDE,
                           Outcome.CHALLENGE_NOT_ELIGIBLE, "Prior PC 187 conviction on 03/02/2001 in the court file, case BA123456.")
    deciding.undo(db, result.decided[1].conviction_id, ATTORNEY)
    assert over.decision_id
    yield db
    db.dispose()


def tamper(db: Database, *statements: str, params: dict | None = None) -> None:
    with db.session() as s:
        if not db.is_sqlite:
            s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        for statement in statements:
            s.execute(text(statement), params or {})
        if not db.is_sqlite:
            s.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def entries(db: Database) -> list[m.AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)))


def kinds(report) -> set[str]:
    return {f.kind for f in report.findings}


def decision_entry(db: Database) -> m.AuditEntry:
    return next(e for e in entries(db) if e.action == "decision.accept")


def test_an_untouched_log_verifies_and_seals(decided, tmp_path):
    report = verify(decided)
    assert report.ok, report.findings
    sealed = seal(decided, tmp_path / "seal.json")
    assert sealed.entry_id == report.head.entry_id and sealed.entries == len(entries(decided))
    again = verify(decided, tmp_path / "seal.json")
    assert again.ok and "matches the seal" in again.line()


def test_an_edited_decision_is_named(decided):
    entry = decision_entry(decided)
    did = json.loads(entry.after)["decision_id"]
    tamper(decided, "UPDATE decision SET outcome = 'CHALLENGE_PUBLIC_SAFETY' WHERE id = :d", params={"d": did})
    report = verify(decided)
    assert kinds(report) == {av.EDITED_DECISION}
    (finding,) = report.findings
    assert finding.entry_id == entry.id and f"decision {did}: outcome is 'CHALLENGE_PUBLIC_SAFETY'" in finding.detail


def test_an_edited_review_is_named(decided):
    entry = decision_entry(decided)
    tamper(decided, "UPDATE review SET outcome = 'DISMISS_AND_SEAL', status = 'overridden' "
                    "WHERE conviction_id = :c", params={"c": entry.entity_id})
    report = verify(decided)
    assert kinds(report) == {av.EDITED_REVIEW}
    assert f"conviction {entry.entity_id}: outcome is 'DISMISS_AND_SEAL' in the review table" in report.findings[0].detail


def test_an_edited_audit_row_is_named(decided):
    entry = decision_entry(decided)
    tamper(decided, "UPDATE audit_log SET user_name = 'Someone Else' WHERE id = :i", params={"i": entry.id})
    report = verify(decided)
    assert kinds(report) == {av.EDITED_ENTRY}
    assert report.findings[0].entry_id == entry.id


def test_a_deleted_entry_is_named(decided):
    middle = entries(decided)[4]
    tamper(decided, "DELETE FROM audit_log WHERE id = :i", params={"i": middle.id})
    report = verify(decided)
    deleted = [f for f in report.findings if f.kind == av.DELETED]
    assert deleted and deleted[0].entry_id == middle.id + 1
    assert f"entries {middle.id} to {middle.id} are missing" in deleted[0].detail
    assert av.UNRECORDED in kinds(report)  # its decision has no entry any more


def test_reordered_entries_are_named(decided):
    a, b = entries(decided)[3].id, entries(decided)[6].id
    tamper(decided, "UPDATE audit_log SET id = -1 WHERE id = :a", "UPDATE audit_log SET id = :a WHERE id = :b",
           "UPDATE audit_log SET id = :b WHERE id = -1", params={"a": a, "b": b})
    report = verify(decided)
    assert av.REORDERED in kinds(report)
    assert any(f.kind == av.REORDERED and f.entry_id == a for f in report.findings)


def test_a_cut_tail_is_found_with_the_seal(decided, tmp_path):
    seal(decided, tmp_path / "seal.json")
    last = entries(decided)[-2:]
    tamper(decided, "DELETE FROM audit_log WHERE id >= :i", params={"i": last[0].id})
    report = verify(decided, tmp_path / "seal.json")
    cut = [f for f in report.findings if f.kind == av.CUT_TAIL]
    assert cut and f"the seal of" in cut[0].detail and f"names entry {last[1].id}" in cut[0].detail


def rehash_from(db: Database, first_id: int, change: str) -> None:
    """Edit an entry's content and hash the chain again from it (what a careful forger does)."""
    rows = entries(db)
    prev = next(e.hash for e in reversed(rows) if e.id < first_id)
    statements, params = [], {}
    for e in rows:
        if e.id < first_id:
            continue
        after = change if e.id == first_id else e.after
        h = digest(prev, e.at, e.user_name, e.action, e.entity, e.entity_id, e.before, after)
        statements.append(f"UPDATE audit_log SET after = :a{e.id}, prev_hash = :p{e.id}, hash = :h{e.id} WHERE id = {e.id}")
        params.update({f"a{e.id}": after, f"p{e.id}": prev, f"h{e.id}": h})
        prev = h
    tamper(db, *statements, params=params)


def test_a_rehashed_chain_is_found_with_the_seal(decided, tmp_path):
    seal(decided, tmp_path / "seal.json")
    entry = decision_entry(decided)
    after = json.loads(entry.after)
    after["decided_by"] = "Someone Else"
    rehash_from(decided, entry.id, json.dumps(after, sort_keys=True))
    without = verify(decided)
    assert av.EDITED_ENTRY not in kinds(without)  # the chain alone holds
    report = verify(decided, tmp_path / "seal.json")
    assert av.REHASHED in kinds(report)
    assert any(f.kind == av.EDITED_DECISION and "decided_by" in f.detail for f in report.findings)


def test_a_forged_entry_is_named(decided):
    last = entries(decided)[-1]
    at = last.at
    after = json.dumps({"status": "accepted", "outcome": "DISMISS_AND_SEAL", "decision_id": 99999, "version": 9,
                        "decided_by": "A. Deputy", "evaluation_id": 1, "reason": "", "kind": "ACCEPT"}, sort_keys=True)
    h = digest(last.hash, at, "A. Deputy", "decision.accept", "conviction", last.entity_id or 1, None, after)
    tamper(decided, "INSERT INTO audit_log (at, user_name, action, entity, entity_id, before, after, prev_hash, hash) "
                    "VALUES (:at, 'A. Deputy', 'decision.accept', 'conviction', :e, NULL, :after, :p, :h)",
           params={"at": at, "e": last.entity_id or 1, "after": after, "p": last.hash, "h": h})
    report = verify(decided)
    forged = [f for f in report.findings if f.kind == av.FORGED]
    assert forged and "decision 99999" in forged[0].detail


def test_the_log_is_append_only_on_postgresql(decided):
    if decided.is_sqlite:
        pytest.skip("the append-only trigger is PostgreSQL's")
    for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with decided.session() as s:
                s.execute(text(statement))
    assert verify(decided).ok


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, timeout=120)


def test_cli_verify_exit_codes_and_seal(decided, tmp_path):
    out = tmp_path / "seal.json"
    sealed = run_cli("audit", "seal", "--db", decided.url, "--out", str(out))
    assert sealed.returncode == 0 and "sealed entry" in sealed.stdout
    ok = run_cli("audit", "verify", "--db", decided.url, "--seal", str(out))
    assert ok.returncode == 0 and "Audit log verified" in ok.stdout
    entry = decision_entry(decided)
    tamper(decided, "UPDATE audit_log SET action = 'decision.override' WHERE id = :i", params={"i": entry.id})
    bad = run_cli("audit", "verify", "--db", decided.url, "--seal", str(out))
    assert bad.returncode == 1
    assert f"edited audit entry: entry {entry.id}" in bad.stdout and "Audit log NOT verified" in bad.stderr
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    junk = run_cli("audit", "verify", "--db", decided.url, "--seal", str(tmp_path / "junk.json"))
    assert junk.returncode == 2 and "junk.json is not a seal" in junk.stderr and "Traceback" not in junk.stderr


def test_a_broken_log_is_not_sealed(decided, tmp_path):
    entry = decision_entry(decided)
    tamper(decided, "UPDATE audit_log SET user_name = 'x' WHERE id = :i", params={"i": entry.id})
    with pytest.raises(SealError, match="cannot be sealed"):
        seal(decided, tmp_path / "seal.json")
