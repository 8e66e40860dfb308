"""The engine's questions: stored with each evaluation, listed and answered from the command line,
audited, applied by the engine (also on the next `reviewer evaluate`), reviews and decisions untouched."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from doj_rows import conviction, text
from reviewer.domain.people import User
from reviewer.domain.vocabulary import Role, Suggestion
from reviewer.services import answering
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database
from reviewer.store.records import load_records, records_in_county

ENV = {**os.environ, "REVIEWER_USER": "cli-test"}
KEY = "amount-28.5g"
AS_OF = "2020-01-01"


def run(*args):
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=ENV,
                          timeout=300)


def doj_file(tmp_path):
    """Person 100: HS 11357 without subsection (the amount decides) and a later HS 11359 felony in
    another case; person 200: an HS 11359 felony only. Sentences served, so no sentence question."""
    served = {"SENT_LENGTH": "1", "SENT_TIME_CODE": "Y", "SENT_LOC_DESCR": "JAIL"}
    rows = [
        conviction(OFFENSE_DESCR="11357 HS-NO SPECIFIED SUBSECTI", CNT_ORDER="101001001000", OFN="SC100",
                   STP_EVENT_DATE="20100105", **served),
        conviction(OFFENSE_DESCR="11359 HS-POSSESS FOR SALE", CNT_ORDER="102001001000", OFN="SC200",
                   STP_EVENT_DATE="20120301", **served),
        conviction(SUBJECT_ID="200", CII_NUMBER="A200", PRI_NAME="ROE,RICHARD", OFN="SC300",
                   OFFENSE_DESCR="11359 HS-POSSESS FOR SALE", **served),
    ]
    path = tmp_path / "doj.csv"
    path.write_text(text(rows))
    return path


def conviction_ids(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {court_case: cid for cid, court_case in s.execute(select(m.Conviction.id, m.Conviction.court_case))}


def current(db: Database, cid: int) -> m.Evaluation:
    with db.session() as s:
        rows = s.scalars(select(m.Evaluation).where(m.Evaluation.conviction_id == cid,
                                                    m.Evaluation.current.is_(True))).all()
    assert len(rows) == 1, "exactly one current evaluation per conviction"
    return rows[0]


def untouched(db: Database):
    with db.session() as s:
        reviews = sorted((r.conviction_id, r.status, r.outcome, r.decision_id, r.decided_by, r.version)
                         for r in s.scalars(select(m.Review)))
        decisions = sorted((d.id, d.conviction_id, d.evaluation_id, d.kind, d.outcome, d.undone_at)
                           for d in s.scalars(select(m.Decision)))
    return reviews, decisions


@pytest.fixture
def imported(db_url, tmp_path):
    done = run("import", str(doj_file(tmp_path)), "--db", db_url)
    assert done.returncode == 0, done.stderr
    done = run("evaluate", "--db", db_url, "--county", "sacramento", "--as-of", AS_OF, "--workers", "1")
    assert done.returncode == 0, done.stderr
    db = Database(db_url, migrate=False)
    yield db_url, db
    db.dispose()


def test_questions_answered_from_the_command_line(imported, tmp_path):
    url, db = imported
    ids = conviction_ids(db)
    cid, other = ids["SC100"], ids["SC200"]
    before = current(db, cid)
    assert before.suggestion == "NEEDS_REVIEW"
    stored = json.loads(before.questions)
    assert [q["key"] for q in stored] == [KEY]
    assert {a["value"]: a["suggestion"] for a in stored[0]["answers"]} == {
        "yes": "DISMISS_AND_SEAL", "no": "REDESIGNATE_MISDEMEANOR"}
    assert current(db, other).questions == "[]"

    # An attorney decides the other count of the same person: that decision must survive the answer.
    done = run("accept", "--db", url, "--user", "A. Deputy", "--bar-number", "123456", "--section", "11359")
    assert done.returncode == 0, done.stderr
    reviews_before = untouched(db)
    assert any(r[0] == other and r[1] == "accepted" for r in reviews_before[0])

    listed = run("questions", "--db", url, "--county", "Sacramento")
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    assert f"conviction {cid}" in out and "court case SC100" in out and f"question {KEY}" in out
    assert "28.5 g" in out and "--answer yes" in out and "DISMISS_AND_SEAL" in out and "REDESIGNATE_MISDEMEANOR" in out
    assert "DOE" not in out and "ROE" not in out, "no names: personal data"
    assert "1 open question;" in out
    assert run("questions", "--db", url, "--conviction", str(other)).stdout.startswith("0 open questions")

    exported = tmp_path / "results.csv"
    assert run("export", "results", "--db", url, "--out", str(exported)).returncode == 0
    with open(exported, newline="", encoding="utf-8") as fh:
        rows = {r["court_case"]: r for r in csv.DictReader(fh)}
    assert rows["SC100"]["questions"].startswith(f"{KEY}: Was the amount 28.5 g")
    assert rows["SC200"]["questions"] == ""

    common = ["answer", "--db", url, "--conviction", str(cid), "--user", "A. Deputy"]
    wrong = run(*common, "--question", KEY, "--answer", "maybe", "--bar-number", "123456")
    assert wrong.returncode == 2
    assert "'maybe' is not an answer" in wrong.stderr and "yes, no" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    unknown = run(*common, "--question", "amount-1kg", "--answer", "yes", "--bar-number", "123456")
    assert unknown.returncode == 2 and f"{KEY} (yes, no)" in unknown.stderr
    clerk = run(*common, "--question", KEY, "--answer", "yes")
    assert clerk.returncode == 2 and "only an attorney" in clerk.stderr
    assert current(db, cid).id == before.id, "a refused answer changes nothing"

    answered = run(*common, "--question", KEY, "--answer", "yes", "--bar-number", "123456")
    assert answered.returncode == 0, answered.stderr
    assert "suggestion: DISMISS_AND_SEAL" in answered.stdout
    assert "reason: " in answered.stdout and "the reviewing attorney answered" in answered.stdout

    after = current(db, cid)
    assert after.id != before.id and after.run_id == before.run_id
    assert after.suggestion == "DISMISS_AND_SEAL"
    reasons = json.loads(after.reasons)
    assert any(r["rule"] == f"answer:{KEY}" and "answered Yes:" in r["text"] for r in reasons)
    with db.session() as s:
        assert s.get(m.Evaluation, before.id).current is False, "the old evaluation stays on file"
        saved = s.scalars(select(m.QuestionAnswer)).one()
        assert (saved.conviction_id, saved.question_key, saved.value, saved.answered_by, saved.bar_number) == (
            cid, KEY, "yes", "A. Deputy", "123456")
        entry = s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "answer")).one()
        assert entry.user_name == "A. Deputy" and entry.entity_id == cid
        assert json.loads(entry.before)["value"] is None and json.loads(entry.before)["suggestion"] == "NEEDS_REVIEW"
        assert json.loads(entry.after)["value"] == "yes" and json.loads(entry.after)["suggestion"] == "DISMISS_AND_SEAL"
        assert verify_chain(s) is None
    assert untouched(db) == reviews_before, "answering never touches reviews or decisions"
    assert run("questions", "--db", url).stdout.startswith("0 open questions")

    # A new evaluation of the county reads the answer again.
    again = run("evaluate", "--db", url, "--county", "sacramento", "--as-of", AS_OF, "--workers", "2")
    assert again.returncode == 0, again.stderr
    rerun = current(db, cid)
    assert rerun.run_id != before.run_id and rerun.suggestion == "DISMISS_AND_SEAL"
    assert any(r["rule"] == f"answer:{KEY}" for r in json.loads(rerun.reasons))
    assert untouched(db) == reviews_before


def test_answer_service_refusals_and_change_of_answer(imported):
    url, db = imported
    cid = conviction_ids(db)["SC100"]
    with pytest.raises(answering.AnswerRefused, match="only an attorney"):
        answering.answer_question(db, cid, KEY, "yes", User("C. Clerk", Role.CLERK))
    with pytest.raises(answering.AnswerRefused, match="no current evaluation"):
        answering.answer_question(db, 999999, KEY, "yes", User("A", Role.ATTORNEY, "1"))
    with pytest.raises(answering.AnswerRefused, match="no questions"):
        answering.answer_question(db, conviction_ids(db)["SC300"], KEY, "yes", User("A", Role.ATTORNEY, "1"))
    found = answering.open_questions(db, conviction_id=cid)
    assert [(q.conviction_id, q.question.key, q.suggestion) for q in found] == [(cid, KEY, Suggestion.NEEDS_REVIEW)]
    assert answering.open_questions(db, county="YOLO") == []
    ev = answering.answer_question(db, cid, KEY, "NO", User("A. Deputy", Role.ATTORNEY, "123456"))
    assert ev.suggestion is Suggestion.REDESIGNATE_MISDEMEANOR and ev.conviction_id == cid
    assert any(r.rule == f"answer:{KEY}" and "answered No:" in r.text for r in ev.reasons)
    # Each person's record carries its answers, and only its own.
    with db.engine.connect() as conn:
        records = {r.person.subject_id: r for r in records_in_county(conn, "SACRAMENTO")}
        assert records["100"].answers == {(cid, KEY): "no"} and records["200"].answers == {}
        loaded = {r.person.subject_id: r for r in load_records(conn, [r.person.id for r in records.values()])}
        assert loaded["100"].answers == {(cid, KEY): "no"} and loaded["200"].answers == {}
    with db.session() as s:
        assert s.scalar(select(func.count()).where(m.AuditEntry.action == "answer")) == 1


def test_questions_stored_on_both_write_paths(db_url, tmp_path, monkeypatch):
    """The staged (ADBC, SQLite) and row-by-row paths store the same questions JSON."""
    db = Database(db_url)
    import_file(db, doj_file(tmp_path))
    evaluate(db, "SACRAMENTO", date(2020, 1, 1))
    staged = {c: e.questions for c, e in ((c, current(db, c)) for c in conviction_ids(db).values())}
    from reviewer.store import staging

    monkeypatch.setattr(staging, "available", lambda: False)
    evaluate(db, "SACRAMENTO", date(2020, 1, 1))
    rows = {c: current(db, c).questions for c in staged}
    assert rows == staged
    assert sorted(staged.values()).count("[]") == 2
    assert [q["key"] for v in staged.values() for q in json.loads(v)] == [KEY]
    db.dispose()


def test_answer_re_evaluates_under_the_runs_policy(db_url, tmp_path):
    """The re-evaluation uses the run's as-of date and the policy document stored with the run."""
    from reviewer.services.evaluating import resolve_policy

    db = Database(db_url)
    import_file(db, doj_file(tmp_path))
    policy = resolve_policy("los-angeles-pilot-2019")
    evaluate(db, "SACRAMENTO", date(2020, 1, 1), policy)
    cid = conviction_ids(db)["SC100"]
    before = current(db, cid)
    assert before.suggestion == "NEEDS_REVIEW" and KEY in before.questions
    ev = answering.answer_question(db, cid, KEY, "no", User("A. Deputy", Role.ATTORNEY, "123456"))
    assert ev.reasons[0].rule.startswith("policy:"), "the policy's rule still comes first"
    assert any(r.rule == f"answer:{KEY}" for r in ev.reasons)
    after = current(db, cid)
    assert after.run_id == before.run_id and after.suggestion == ev.suggestion.value
    with db.session() as s:
        run = s.get(m.EvaluationRun, after.run_id)
        assert run.policy_digest == policy.digest and run.as_of == date(2020, 1, 1)
    # Running the same policy again gives the same answer-based result.
    evaluate(db, "SACRAMENTO", date(2020, 1, 1), policy)
    assert json.loads(current(db, cid).reasons) == json.loads(after.reasons)
    db.dispose()
