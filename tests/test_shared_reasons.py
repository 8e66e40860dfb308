"""Reasons many evaluations share are stored once (store/shared_reasons.py): every reader still gets each
evaluation's reasons written out, exactly as the engine gave them, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from reviewer.domain.records import Reason
from reviewer.engine.evaluate import evaluate_record
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.evaluating import (
    SHARED_RULES,
    evaluate,
    reasons_json,
    resolve_policy,
    stored_reasons,
)
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store import shared_reasons
from reviewer.store.database import Database, _alembic_config
from reviewer.store.printing import case_rows
from reviewer.store.queries import current_results
from reviewer.store.queue import evaluation_detail, first_rule, queue_keys
from reviewer.store.records import load_record
from reviewer.store.report_queries import REGISTER_FIELD_NAMES, register_rows

AS_OF = date(2019, 11, 11)
POLICY = "los-angeles-pilot-2019"


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "doj.csv"
    write_demo_file(path, rows=8000, county="SACRAMENTO", seed=5)
    return path


def engine_reasons(db: Database, policy) -> dict[int, str]:
    """Each evaluated conviction's reasons as the engine gives them, written out (reasons_json)."""
    with db.engine.connect() as conn:
        persons = conn.execute(select(m.Conviction.person_id).distinct()).scalars().all()
        out = {}
        for pid in persons:
            for ev in evaluate_record(load_record(conn, pid), "SACRAMENTO", AS_OF, policy):
                out[ev.conviction_id] = reasons_json(ev.reasons)
    return out


def test_every_reader_gets_the_engines_reasons_written_out(db_url, demo_file):
    db = Database(db_url)
    import_file(db, demo_file)
    policy = resolve_policy(POLICY)
    evaluate(db, "SACRAMENTO", AS_OF, policy)
    expected = engine_reasons(db, policy)
    with db.engine.connect() as conn:
        stored = dict(conn.execute(select(m.Evaluation.conviction_id, m.Evaluation.reasons)
                                   .where(m.Evaluation.current.is_(True))).all())
        shared = shared_reasons.load(conn)
        assert set(stored) == set(expected) and len(expected) > 400
        # The shared ones are stored once: the column names them, far shorter than written out.
        assert shared and all(json.loads(text)["rule"] in SHARED_RULES or json.loads(text)["rule"].startswith("policy:")
                              for text in shared.values())
        assert sum(map(len, stored.values())) * 1.3 < sum(map(len, expected.values()))
        assert all(shared_reasons.expand(stored[cid], shared) == expected[cid] for cid in expected)

        # The case panel and the CLI (evaluation detail), one conviction at a time.
        for cid in list(expected)[:200]:
            assert list(evaluation_detail(conn, cid).reasons) == json.loads(expected[cid])
        # The register, the exports and the printed grounds (streamed row by row).
        column = REGISTER_FIELD_NAMES.index("reasons")
        assert {r[REGISTER_FIELD_NAMES.index("conviction_id")]: r[column] for r in register_rows(conn)} == expected
        assert {r[21]: r[13] for r in current_results(conn)} == expected
        assert {r[2]: r[12] for r in case_rows(conn)} == expected
        # The queue's deciding rule (from the head of the column).
        keys = queue_keys(conn)
        rules = dict(zip(keys.conviction_id.to_pylist(), keys.first_rule.to_pylist()))
        assert rules and all(rule == first_rule(expected[cid]) for cid, rule in rules.items())
        assert any(rule.startswith("policy:") for rule in rules.values())
    db.dispose()


def test_a_second_run_reuses_the_stored_reasons(db_url, demo_file):
    db = Database(db_url)
    import_file(db, demo_file)
    policy = resolve_policy(POLICY)
    evaluate(db, "SACRAMENTO", AS_OF, policy)
    with db.engine.connect() as conn:
        first = shared_reasons.load(conn)
    evaluate(db, "SACRAMENTO", AS_OF, policy, workers=1)
    with db.engine.connect() as conn:
        assert shared_reasons.load(conn) == first
    db.dispose()


def test_a_different_reason_under_a_known_key_is_refused(db_url):
    db = Database(db_url)
    reason = Reason("statute-alone", "HS 11361.8", "county policy X: refer; statute alone: dismiss")
    names: dict[str, str] = {}
    column = stored_reasons([reason], names)
    (key, written), = names.items()
    assert column == f'["{key}"]' and written == reasons_json([reason])[1:-1]
    with db.session() as s:
        shared_reasons.save(s.connection(), names)
        shared_reasons.save(s.connection(), names)  # already there: nothing new
    with db.session() as s, pytest.raises(shared_reasons.SharedReasonConflict):
        shared_reasons.save(s.connection(), {key: written.replace("refer", "dismiss")})
    with db.engine.connect() as conn:
        assert shared_reasons.load(conn) == names
    db.dispose()


def test_a_quoted_key_inside_a_reasons_text_is_not_a_reference():
    inside = Reason("now-lesser", "HS 11357", 'the note says ["0123456789abcdef"] and,"0123456789abcdef",')
    text = reasons_json([inside, Reason("statute-alone", "", "x")])
    assert shared_reasons.keys_in([text]) == set()
    assert shared_reasons.expand(text, {"0123456789abcdef": "{}"}) == text


def test_a_missing_shared_reason_reads_as_missing_not_as_an_error():
    text = shared_reasons.expand('["0123456789abcdef"]', {})
    assert json.loads(text)[0]["text"] == "(a reason missing from the database: 0123456789abcdef)"


def test_downgrading_writes_the_shared_reasons_out(tmp_path, demo_file):
    from alembic import command

    path = tmp_path / "r.db"
    db = Database(path)
    import_file(db, demo_file)
    evaluate(db, "SACRAMENTO", AS_OF, resolve_policy(POLICY))
    with db.engine.connect() as conn:
        expanded = {i: shared_reasons.expanded(conn, t) for i, t in conn.execute(
            select(m.Evaluation.id, m.Evaluation.reasons))}
    config = _alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    db.dispose()
    conn = sqlite3.connect(path)
    try:
        assert dict(conn.execute("SELECT id, reasons FROM evaluation")) == expanded
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'shared_reason'").fetchall()
    finally:
        conn.close()
