"""Import, evaluate, decide and audit against a real SQLite file and the real PostgreSQL server."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import func, select, text

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus, Role
from reviewer.ingest.problems import FileRejected
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database

ATTORNEY = User("A. Deputy", Role.ATTORNEY, "123456")
CLERK = User("C. Clerk", Role.CLERK)


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in
                (m.ImportBatch, m.Person, m.Conviction, m.Evaluation, m.Decision, m.AuditEntry)}


@pytest.fixture
def loaded(db_url, gogen_dir):
    db = Database(db_url)
    report = import_file(db, gogen_dir / "no_headers.csv", user="tester")
    assert report.imported
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="tester")
    yield db
    db.dispose()


def test_import_counts_and_no_duplicates(db_url, gogen_dir, tmp_path):
    db = Database(db_url)
    first = import_file(db, gogen_dir / "no_headers.csv")
    assert (first.rows, first.persons, first.convictions, first.new_convictions) == (38, 11, 28, 28)
    before = counts(db)
    again = import_file(db, gogen_dir / "no_headers.csv")
    assert not again.imported and "already imported" in again.message
    assert counts(db) == before
    # The same records under another file (with header) add no conviction twice.
    copy = tmp_path / "extra.csv"
    shutil.copy(gogen_dir / "extra_comma.csv", copy)
    third = import_file(db, copy)
    assert third.imported and third.new_convictions == 0
    assert counts(db)["conviction"] == 28


def test_rejected_file_changes_nothing(db_url, gogen_dir):
    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv")
    before = counts(db)
    with pytest.raises(FileRejected) as exc:
        import_file(db, gogen_dir / "bad.csv")
    assert "line 1" in str(exc.value) and "94 fields, expected 95" in str(exc.value)
    assert counts(db) == before


def test_accept_override_undo_and_audit(loaded):
    db = loaded
    with db.session() as s:
        rows = s.execute(select(m.Evaluation.conviction_id, m.Evaluation.suggestion, m.Evaluation.sentence_status)
                         .where(m.Evaluation.current.is_(True)).order_by(m.Evaluation.conviction_id)).all()
    acceptable = [r for r in rows if r[1] != "NEEDS_REVIEW"]
    cid = acceptable[0][0]
    with pytest.raises(deciding.DecisionRefused, match="Clerks"):
        deciding.decide(db, cid, CLERK, DecisionKind.ACCEPT)
    result = deciding.decide(db, cid, ATTORNEY, DecisionKind.ACCEPT)
    assert result.status is ReviewStatus.ACCEPTED
    with pytest.raises(deciding.DecisionRefused, match="reason"):
        deciding.decide(db, cid, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, "  ")
    over = deciding.decide(db, cid, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                           "Court file shows a sale to a minor on 05/01/2012.")
    assert over.status is ReviewStatus.OVERRIDDEN
    assert deciding.undo(db, cid, ATTORNEY).status is ReviewStatus.ACCEPTED
    assert deciding.undo(db, cid, ATTORNEY).status is ReviewStatus.PENDING
    with db.session() as s:
        review = s.get(m.Review, cid)
        assert review.status == "pending" and review.decision_id is None
        assert s.scalar(select(func.count()).select_from(m.Decision)) == 2  # kept, marked undone
        actions = s.scalars(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).all()
        assert actions[-4:] == ["decision.accept", "decision.override", "decision.undo", "decision.undo"]
        assert verify_chain(s) is None


def test_stale_version_is_a_conflict(loaded):
    db = loaded
    with db.session() as s:
        cid = s.scalar(select(m.Evaluation.conviction_id).where(m.Evaluation.suggestion != "NEEDS_REVIEW").limit(1))
    deciding.decide(db, cid, ATTORNEY, DecisionKind.ACCEPT, expected_version=0)
    other = User("B. Deputy", Role.ATTORNEY)
    with pytest.raises(deciding.ConflictError):
        deciding.decide(db, cid, other, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                        "Court file shows a sale to a minor.", expected_version=0)


def test_audit_tampering_is_detected(loaded):
    db = loaded
    with db.session() as s:
        if not db.is_sqlite:  # the append-only trigger refuses everyone; only the owner can disable it
            s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        entry = s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id)).first()
        entry.after = '{"rows": 1}'
    with db.session() as s:
        assert verify_chain(s) == entry.id


def test_bulk_accept_records_each(loaded):
    db = loaded
    ids = deciding.pending_ids(db)
    result = deciding.accept_many(db, ids, ATTORNEY)
    n = result.accepted
    assert n + result.skipped_count() == len(ids)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Decision)) == n
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "decision.accept")) == n
        assert verify_chain(s) is None
    assert n == len([i for i in ids]) - len(deciding.pending_ids(db))


def test_reevaluation_keeps_history(loaded):
    db = loaded
    evaluate(db, "SAN JOAQUIN", date(2020, 1, 1), resolve_policy("statute-with-challenges"))
    with db.session() as s:
        current = s.scalar(select(func.count()).where(m.Evaluation.current.is_(True)))
        total = s.scalar(select(func.count()).select_from(m.Evaluation))
        assert total == 2 * current


def test_schema_head_constant_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    from reviewer.store.database import SCHEMA_HEAD, _alembic_config

    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == SCHEMA_HEAD
