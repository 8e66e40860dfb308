"""Several reviewers on one queue, in separate processes, on a SQLite file and on PostgreSQL.

Each decision stands once; the counts each bulk accept reports add up to what is stored; an
undo or redo after a colleague's decision is a conflict; two re-evaluations leave one current
evaluation per conviction; a deadlock victim is run again, and what still fails names no SQL.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

import office_workers as work
from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus, Role
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services import deciding
from reviewer.services.demo import DEMO_AS_OF, DEMO_COUNTY, DEMO_POLICY
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from reviewer.store.transactions import BusyError, run_retrying

A = User("A. Deputy", Role.ATTORNEY, "123456")
B = User("B. Deputy", Role.ATTORNEY, "654321")
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(scope="module")
def research_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("office") / "research.csv"
    write_demo_file(path, 6000, DEMO_COUNTY, seed=13)
    return path


@pytest.fixture
def queue(db_url, research_file):
    db = Database(db_url)
    import_file(db, research_file, user="admin")
    evaluate(db, DEMO_COUNTY, DEMO_AS_OF, resolve_policy(DEMO_POLICY), user="admin")
    yield db
    db.dispose()


def run_processes(*calls):
    """Start each (function, args) in its own process; they begin together; their results in order."""
    with SPAWN.Manager() as manager:
        start = manager.Event()
        with SPAWN.Pool(len(calls)) as pool:
            pending = [pool.apply_async(fn, (start, *args)) for fn, args in calls]
            start.set()
            return [p.get(180) for p in pending]


def stored(db: Database):
    with db.session() as s:
        standing = s.execute(select(m.Decision.conviction_id, func.count()).where(m.Decision.undone_at.is_(None))
                             .group_by(m.Decision.conviction_id)).all()
        reviews = {r.conviction_id: r for r in s.scalars(select(m.Review))}
        decisions = {d.id: d for d in s.scalars(select(m.Decision))}
        audited = Counter(s.scalars(select(m.AuditEntry.action)))
        assert verify_chain(s) is None
    return dict(standing), reviews, decisions, audited


def acceptable(db: Database) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(m.Evaluation.conviction_id).where(
            m.Evaluation.current.is_(True), m.Evaluation.suggestion != "NEEDS_REVIEW")))


def test_two_bulk_accepts_at_once_decide_each_conviction_once(queue):
    ids = deciding.pending_ids(queue)
    can = set(acceptable(queue))
    assert len(can) > 300
    first, second = run_processes((work.bulk_accept, (queue.url, ids, "A. Deputy")),
                                  (work.bulk_accept, (queue.url, list(reversed(ids)), "B. Deputy")))
    standing, reviews, decisions, audited = stored(queue)
    assert set(standing.values()) == {1}  # nobody's decision doubled
    assert set(first["decided"]).isdisjoint(second["decided"])
    assert set(first["decided"]) | set(second["decided"]) == can == set(standing)
    assert len(decisions) == len(first["decided"]) + len(second["decided"]) == audited["decision.accept"]
    for mine, other, name in ((first, second, "B. Deputy"), (second, first, "A. Deputy")):
        skipped = mine["skipped"]
        assert sorted(skipped.get("decided_by_other", [])) == sorted(other["decided"])
        assert len(mine["decided"]) + sum(len(v) for v in skipped.values()) == mine["requested"] == len(ids)
        if other["decided"]:
            assert mine["first_by"] == {name: len(other["decided"])}
    for cid, decision_id in {**first["decided"], **second["decided"]}.items():
        assert reviews[cid].decision_id == decision_id and reviews[cid].version == 1


def test_bulk_accept_beside_an_attorneys_overrides_replaces_none(queue):
    ids = deciding.pending_ids(queue)
    targets = [cid for cid in acceptable(queue)][::3]
    bulk, attorney = run_processes((work.bulk_accept, (queue.url, ids, "A. Deputy", 10)),
                                   (work.overrides, (queue.url, targets, "B. Deputy")))
    standing, reviews, decisions, audited = stored(queue)
    assert set(standing.values()) == {1}
    for cid, decision_id in attorney["decided"].items():  # every override reported saved is the one standing
        assert reviews[cid].decision_id == decision_id
        assert reviews[cid].outcome == Outcome.CHALLENGE_NOT_ELIGIBLE.value
    for cid in attorney["conflicts"]:  # told of a conflict: the bulk accept got there first
        assert cid in bulk["decided"]
    assert len(attorney["decided"]) + len(attorney["conflicts"]) == len(targets)
    assert sorted(bulk["skipped"].get("decided_by_other", [])) == sorted(attorney["decided"])
    assert len(decisions) == len(bulk["decided"]) + len(attorney["decided"])
    assert audited["decision.override"] == len(attorney["decided"])
    assert audited["decision.accept"] == len(bulk["decided"])


def test_bulk_skips_what_changed_since_shown_and_undo_many_keeps_a_colleagues_decision(queue):
    ids = acceptable(queue)[:40]
    seen = {cid: 0 for cid in ids}
    changed = ids[0]
    deciding.undo(queue, changed, B, decision_id=deciding.decide(queue, changed, B, DecisionKind.ACCEPT).decision_id)
    result = deciding.accept_many(queue, ids, A, seen_versions=seen, chunk=7)
    assert result.skipped == {deciding.SkipReason.CHANGED_SINCE_SHOWN: (changed,)}
    assert result.accepted == 39 and sum(result.by_outcome().values()) == 39
    assert "accepted 39 of 40" in result.summary() and "changed since it was shown" in result.summary()
    colleague = result.decided[3]
    over = deciding.decide(queue, colleague.conviction_id, B, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                           "Court file shows a PC 187 conviction on 03/02/2001, case BA123456.", expected_version=colleague.version)
    undone = deciding.undo_many(queue, result.decided, A)
    assert len(undone.undone) == 38
    assert undone.skipped == {deciding.SkipReason.NOT_STANDING: (colleague.conviction_id,)}
    _, reviews, _, _ = stored(queue)
    assert reviews[colleague.conviction_id].decision_id == over.decision_id
    assert all(reviews[r.conviction_id].status == ReviewStatus.PENDING.value
               for r in result.decided if r is not colleague)


def test_redo_after_a_colleagues_decision_is_a_conflict(queue):
    cid = acceptable(queue)[0]
    mine = deciding.decide(queue, cid, A, DecisionKind.ACCEPT, expected_version=0)
    undone = deciding.undo(queue, cid, A, expected_version=mine.version, decision_id=mine.decision_id)
    theirs = deciding.decide(queue, cid, B, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, "Court file shows a PC 187 conviction on 03/02/2001, case BA123456.",
                             expected_version=undone.version)
    with pytest.raises(deciding.ConflictError, match="B. Deputy decided this conviction since it was shown"):
        deciding.decide(queue, cid, A, DecisionKind.ACCEPT, expected_version=undone.version)  # redo
    _, reviews, _, _ = stored(queue)
    assert reviews[cid].decision_id == theirs.decision_id


def test_undo_racing_a_colleagues_decision_is_a_conflict(queue):
    cid = acceptable(queue)[1]
    mine = deciding.decide(queue, cid, A, DecisionKind.ACCEPT, expected_version=0)
    theirs = deciding.decide(queue, cid, B, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, "Court file shows a PC 187 conviction on 03/02/2001, case BA123456.",
                             expected_version=mine.version)
    with pytest.raises(deciding.ConflictError, match="their decision stands"):
        deciding.undo(queue, cid, A, expected_version=mine.version, decision_id=mine.decision_id)
    _, reviews, decisions, _ = stored(queue)
    assert reviews[cid].decision_id == theirs.decision_id
    assert decisions[mine.decision_id].undone_at is None


def test_two_reevaluations_at_once_leave_one_current_evaluation_each(queue):
    with queue.session() as s:
        before = s.scalar(select(func.count()).where(m.Evaluation.current.is_(True)))
    runs = run_processes((work.reevaluate, (queue.url, DEMO_COUNTY)), (work.reevaluate, (queue.url, DEMO_COUNTY)))
    assert len(set(runs)) == 2
    with queue.session() as s:
        per = Counter(s.scalars(select(m.Evaluation.conviction_id).where(m.Evaluation.current.is_(True))))
        latest = s.scalar(select(func.max(m.Evaluation.run_id)).where(m.Evaluation.current.is_(True)))
        earliest = s.scalar(select(func.min(m.Evaluation.run_id)).where(m.Evaluation.current.is_(True)))
    assert len(per) == before and set(per.values()) == {1}
    assert latest == earliest == max(runs)  # the second waited for the first, then retired its rows


def test_the_database_itself_refuses_a_second_current_evaluation(queue):
    with queue.session() as s:
        current = s.scalars(select(m.Evaluation).where(m.Evaluation.current.is_(True)).limit(1)).one()
        row = {c.name: getattr(current, c.key) for c in m.Evaluation.__table__.columns if c.name != "id"}
    with pytest.raises(IntegrityError):
        with queue.session() as s:
            s.execute(m.Evaluation.__table__.insert().values(**row))


@pytest.mark.postgres
def test_a_deadlock_victim_is_run_again(queue):
    if queue.is_sqlite:
        pytest.skip("SQLite takes one write lock per file: it cannot deadlock on rows")
    first, second = acceptable(queue)[:2]
    both = threading.Barrier(2, timeout=30)
    attempts = Counter()

    def crosswise(a: int, b: int, name: str):
        def run(session):
            attempts[name] += 1
            session.execute(text("SELECT 1 FROM review WHERE conviction_id = :a FOR UPDATE"), {"a": a})
            if attempts[name] == 1:
                both.wait()  # both hold their first row: each now waits for the other's
            session.execute(text("SELECT 1 FROM review WHERE conviction_id = :b FOR UPDATE"), {"b": b})
            return name
        return lambda: results.append(run_retrying(Database(queue.url, migrate=False), run))

    results: list[str] = []
    threads = [threading.Thread(target=crosswise(first, second, "one")),
               threading.Thread(target=crosswise(second, first, "two"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["one", "two"]
    assert sorted(attempts.values()) == [1, 2]  # the victim, once more


@pytest.mark.postgres
def test_a_transaction_that_stays_busy_is_refused_in_plain_words(queue):
    if queue.is_sqlite:
        pytest.skip("PostgreSQL lock timeouts")
    cid = acceptable(queue)[0]
    holder = Database(queue.url, migrate=False)
    with holder.engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT 1 FROM review WHERE conviction_id = :c FOR UPDATE"), {"c": cid})


        def blocked(session):
            session.execute(text("SET LOCAL lock_timeout = '50ms'"))
            session.execute(text("SELECT 1 FROM review WHERE conviction_id = :c FOR UPDATE"), {"c": cid})

        with pytest.raises(BusyError) as exc:
            run_retrying(queue, blocked, attempts=3)
    holder.dispose()
    assert "busy" in str(exc.value) and "SELECT" not in str(exc.value) and "conviction_id" not in str(exc.value)


def test_an_older_database_with_two_current_evaluations_keeps_the_newer(db_url, gogen_dir):
    from datetime import date as day

    from alembic import command

    from reviewer.store.database import _alembic_config

    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv")
    evaluate(db, "SAN JOAQUIN", day(2019, 11, 11), None)
    config = _alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    with db.engine.begin() as conn:  # what two re-evaluations at once left before 0006
        conn.execute(text("INSERT INTO evaluation (run_id, conviction_id, current, suggestion, statute_suggestion, "
                          "policy_reason, reasons, sentence_status, disqualified, flagged, priority, questions) "
                          "SELECT run_id, conviction_id, current, suggestion, statute_suggestion, policy_reason, "
                          "reasons, sentence_status, disqualified, flagged, priority, questions FROM evaluation"))
        doubled = conn.execute(text("SELECT count(*) FROM evaluation WHERE current")).scalar()
    db.dispose()
    db = Database(db_url)  # opens: migrates to 0006
    with db.session() as s:
        per = Counter(s.scalars(select(m.Evaluation.conviction_id).where(m.Evaluation.current.is_(True))))
        newest = s.scalar(select(func.min(m.Evaluation.id)).where(m.Evaluation.current.is_(True)))
    assert sum(per.values()) * 2 == doubled and set(per.values()) == {1}
    assert newest > doubled // 2  # the copies (higher ids) stayed current
    db.dispose()


def test_a_court_case_decided_at_once_then_undone_and_redone_after_a_colleague_is_a_conflict(queue):
    """A group decision (a court case, a person) takes the same locked, versioned path: the group's redo after a
    colleague decided one of its counts is a conflict, and the colleague's decision stands."""
    from reviewer.services import group_deciding as group

    ids = acceptable(queue)[:3]
    with queue.session() as s:
        shown = {r.conviction_id: r.version for r in s.scalars(select(m.Review).where(m.Review.conviction_id.in_(ids)))}
    decided = group.decide_group(queue, [(cid, shown[cid]) for cid in ids], A, DecisionKind.ACCEPT)
    assert [r.conviction_id for r in decided] == ids
    with pytest.raises(deciding.ConflictError):  # all or none: a stale version refuses the whole group
        group.decide_group(queue, [(cid, shown[cid]) for cid in ids], A, DecisionKind.ACCEPT)
    undone = group.undo_decisions(queue, decided, A)
    assert len(undone.undone) == 3
    again = {u.conviction_id: u.version for u in undone.undone}
    theirs = deciding.decide(queue, ids[1], B, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                             "Court file shows a PC 187 conviction on 03/02/2001, case BA123456.",
                             expected_version=again[ids[1]])
    with pytest.raises(deciding.ConflictError, match="B. Deputy decided this conviction"):
        group.decide_group(queue, [(cid, again[cid]) for cid in ids], A, DecisionKind.ACCEPT)  # the redo
    standing, reviews, _, _ = stored(queue)
    assert reviews[ids[1]].decision_id == theirs.decision_id
    assert reviews[ids[0]].status == reviews[ids[2]].status == ReviewStatus.PENDING.value  # nothing half-done
