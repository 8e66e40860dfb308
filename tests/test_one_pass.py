"""services/one_pass.py: an import into an empty file evaluated by the column engine alongside the load, in
the load's transaction, storing exactly what the import followed by the per-record `evaluate` stores; any
other import evaluated after it (issue 14)."""
from __future__ import annotations

import logging
import sqlite3
from datetime import date

import pytest

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.services.one_pass import import_and_evaluate
from reviewer.store.audit import verify_chain
from reviewer.store.database import Database

AS_OF = date(2019, 11, 11)
ALONGSIDE = "evaluated alongside the first load"
STORED = {
    "evaluation": "SELECT id, run_id, conviction_id, current, suggestion, statute_suggestion, policy_reason, "
                  "reasons, sentence_status, disqualified, flagged, priority, questions FROM evaluation ORDER BY id",
    "types": "SELECT typeof(run_id), typeof(current), typeof(disqualified), typeof(flagged), typeof(priority), "
             "count(*) FROM evaluation GROUP BY 1, 2, 3, 4, 5",
    "review": "SELECT conviction_id, status, version FROM review ORDER BY conviction_id",
    "shared": "SELECT ref, reason FROM shared_reason ORDER BY ref",
    "run": "SELECT id, county, as_of, typeof(as_of), engine_version, policy_name, policy_version, policy_digest, "
           "policy_document, created_by, evaluated, typeof(created_at), length(created_at) FROM evaluation_run",
    "audit": "SELECT id, user_name, action, entity, entity_id, before, after FROM audit_log ORDER BY id",
    "convictions": "SELECT * FROM conviction ORDER BY id",
}


def _stored(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in STORED.items()}


def _two_steps(path, files, county, policy) -> dict:
    db = Database(path)
    try:
        for doj in files:
            import_file(db, doj, user="clerk")
        evaluate(db, county, AS_OF, policy, user="clerk")
    finally:
        db.dispose()
    return _stored(path)


@pytest.fixture(scope="module")
def doj(tmp_path_factory):
    path = tmp_path_factory.mktemp("one-pass") / "doj.csv"
    write_demo_file(path, 30_000, "LOS ANGELES", seed=8)
    return path


@pytest.mark.parametrize("policy,persons_per_part", [(None, 16_000), ("los-angeles-pilot-2019", 16_000),
                                                     ("los-angeles-pilot-2019", 400)],
                         ids=["statute", "los-angeles", "los-angeles-in-parts"])
def test_a_first_load_is_evaluated_alongside_as_evaluate_stores_it(tmp_path, doj, policy, persons_per_part, caplog,
                                                                   monkeypatch):
    from reviewer.services import one_pass

    monkeypatch.setattr(one_pass, "PERSONS_PER_PART", persons_per_part)  # 1,873 persons: 1 or 5 parts
    policy = resolve_policy(policy)
    db = Database(tmp_path / "one.db")
    with caplog.at_level(logging.INFO, logger="reviewer.services.one_pass"):
        imported, evaluation = import_and_evaluate(db, doj, "los angeles", AS_OF, policy, user="clerk")
    with db.session() as session:
        assert verify_chain(session) is None  # the run's entry chained after the import's
    db.dispose()
    assert ALONGSIDE in caplog.text  # the column engine, not the fall-back
    assert imported.imported and imported.convictions > 8000
    one = _stored(tmp_path / "one.db")
    two = _two_steps(tmp_path / "two.db", [doj], "LOS ANGELES", policy)
    assert one == two
    assert len(one["evaluation"]) == evaluation.evaluated > 2000
    assert evaluation.flagged == sum(1 for row in one["evaluation"] if row[10])
    assert sum(evaluation.by_suggestion.values()) == evaluation.evaluated
    assert [row[2] for row in one["audit"]] == ["import", "evaluate"]


def test_a_part_that_fails_after_others_were_written_leaves_none_of_them(tmp_path, doj, caplog, monkeypatch):
    """Each part is written as it comes, while the next is computed: when the third of five fails, the
    two written before it go too (nothing of that run stays), and the county is evaluated after the
    import instead, storing what the two commands store."""
    from reviewer.services import one_pass

    monkeypatch.setattr(one_pass, "PERSONS_PER_PART", 400)
    computed, parts = one_pass._evaluated, []

    def third_fails(*args):
        parts.append(len(parts))
        return None if len(parts) == 3 else computed(*args)

    monkeypatch.setattr(one_pass, "_evaluated", third_fails)
    policy = resolve_policy("los-angeles-pilot-2019")
    db = Database(tmp_path / "one.db")
    with caplog.at_level(logging.INFO, logger="reviewer.services.one_pass"):
        imported, evaluation = import_and_evaluate(db, doj, "LOS ANGELES", AS_OF, policy, user="clerk")
    db.dispose()
    assert ALONGSIDE not in caplog.text and parts == [0, 1, 2, 3, 4]
    one = _stored(tmp_path / "one.db")
    assert one == _two_steps(tmp_path / "two.db", [doj], "LOS ANGELES", policy)
    assert len(one["evaluation"]) == evaluation.evaluated and [row[1] for row in one["run"]] == ["LOS ANGELES"]


def test_a_database_with_records_is_evaluated_after_the_import(tmp_path, doj, caplog):
    first = tmp_path / "sacramento.csv"
    write_demo_file(first, 3000, "SACRAMENTO", seed=2)
    policy = resolve_policy("los-angeles-pilot-2019")
    db = Database(tmp_path / "one.db")
    import_file(db, first, user="clerk")
    with caplog.at_level(logging.INFO, logger="reviewer.services.one_pass"):
        import_and_evaluate(db, doj, "LOS ANGELES", AS_OF, policy, user="clerk")
        again, evaluation = import_and_evaluate(db, doj, "LOS ANGELES", AS_OF, policy, user="clerk")
    db.dispose()
    assert ALONGSIDE not in caplog.text
    assert not again.imported and "already imported" in again.message  # and evaluated once more
    two = _two_steps(tmp_path / "two.db", [first, doj], "LOS ANGELES", policy)
    one = _stored(tmp_path / "one.db")
    current = [row for row in one["evaluation"] if row[3]]
    assert len(current) == evaluation.evaluated == len(two["evaluation"])
    assert [row[2:] for row in current] == [row[2:] for row in two["evaluation"]]
    assert one["shared"] == two["shared"] and one["review"] == two["review"]


def test_a_county_the_file_does_not_hold_keeps_the_import(tmp_path, doj):
    from reviewer.services.counties import UnknownCounty

    db = Database(tmp_path / "one.db")
    try:
        with pytest.raises(UnknownCounty, match="ATLANTIS"):
            import_and_evaluate(db, doj, "Atlantis", AS_OF, None)
    finally:
        db.dispose()
    stored = _stored(tmp_path / "one.db")
    assert stored["convictions"] and not stored["evaluation"] and not stored["run"]


def test_the_one_pass_reads_the_same_on_either_database(db_url, tmp_path, doj, caplog):
    """On PostgreSQL there is no first load by ADBC: the file is imported (COPY), then evaluated; the stored
    evaluation is the one the SQLite file's one pass stores."""
    policy = resolve_policy("los-angeles-pilot-2019")
    db = Database(db_url)
    try:
        with caplog.at_level(logging.INFO, logger="reviewer.services.one_pass"):
            _, evaluation = import_and_evaluate(db, doj, "LOS ANGELES", AS_OF, policy, user="clerk")
        assert (ALONGSIDE in caplog.text) == (db.is_sqlite)
        with db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT c.source_line, e.suggestion, e.statute_suggestion, e.policy_reason, e.reasons, "
                "e.sentence_status, e.disqualified, e.flagged, e.priority, e.questions FROM evaluation e "
                "JOIN conviction c ON c.id = e.conviction_id ORDER BY c.source_line").fetchall()
            shared = conn.exec_driver_sql("SELECT ref, reason FROM shared_reason ORDER BY ref").fetchall()
    finally:
        db.dispose()
    expected = tmp_path / "expected.db"
    sqlite_db = Database(expected)
    import_and_evaluate(sqlite_db, doj, "LOS ANGELES", AS_OF, policy, user="clerk")
    sqlite_db.dispose()
    with sqlite3.connect(expected) as conn:
        wanted = conn.execute(
            "SELECT c.source_line, e.suggestion, e.statute_suggestion, e.policy_reason, e.reasons, e.sentence_status, "
            "e.disqualified, e.flagged, e.priority, e.questions FROM evaluation e "
            "JOIN conviction c ON c.id = e.conviction_id ORDER BY c.source_line").fetchall()
        assert shared == conn.execute("SELECT ref, reason FROM shared_reason ORDER BY ref").fetchall()
    assert [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows] == wanted
    assert evaluation.evaluated == len(wanted) > 2000


@pytest.mark.parametrize("workbook,county,policy", [
    ("configurable_flow.xlsx", "SACRAMENTO", "eligibility_options.json"),
    ("configurable_flow.xlsx", "SACRAMENTO", None),
    ("los_angeles.xlsx", "LOS ANGELES", "los-angeles-pilot-2019"),
])
def test_the_gogen_fixtures_store_the_same_in_one_pass(tmp_path, gogen_dir, workbook, county, policy, caplog):
    """gogen's fixture workbooks as DOJ files, with their own policies: the one pass stores what the import and
    then `evaluate` store."""
    from tests.gogen_workbooks import workbook_to_doj

    doj = tmp_path / "doj.csv"
    workbook_to_doj(gogen_dir / workbook, doj)
    chosen = resolve_policy(gogen_dir / policy if policy and policy.endswith(".json") else policy)
    db = Database(tmp_path / "one.db")
    try:
        with caplog.at_level(logging.INFO, logger="reviewer.services.one_pass"):
            _, evaluation = import_and_evaluate(db, doj, county, AS_OF, chosen, user="clerk")
    finally:
        db.dispose()
    assert ALONGSIDE in caplog.text and evaluation.evaluated > 0
    assert _stored(tmp_path / "one.db") == _two_steps(tmp_path / "two.db", [doj], county, chosen)
