"""`reviewer import FILE... --county NAME --as-of DATE [--policy P]`: import and evaluate in one process, with
the same stored results as `reviewer import` followed by `reviewer evaluate` (issue 14)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

ENV = {**os.environ, "REVIEWER_USER": "cli-test"}
EVALUATION = ("conviction_id", "current", "suggestion", "statute_suggestion", "policy_reason", "reasons",
              "sentence_status", "disqualified", "flagged", "priority", "questions")


def run(*args):
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=ENV,
                          timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("one-pass") / "demo.csv"
    made = run("demo-data", "--rows", "6000", "--county", "Los Angeles", "--seed", "5", "--out", str(out))
    assert made.returncode == 0, made.stderr
    return out


def _stored(db) -> tuple[list, list]:
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT county, as_of, policy_name, policy_version, policy_digest, evaluated, created_by "
                            "FROM evaluation_run ORDER BY id").fetchall()
        rows = conn.execute(f"SELECT {', '.join(EVALUATION)} FROM evaluation ORDER BY conviction_id, current").fetchall()
        reviews = conn.execute("SELECT conviction_id, status FROM review ORDER BY conviction_id").fetchall()
        audit = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    return runs, rows + reviews, audit


@pytest.mark.parametrize("policy", [None, "los-angeles-pilot-2019"])
def test_one_pass_stores_what_two_commands_store(tmp_path, demo, policy):
    chosen = ("--policy", policy) if policy else ()
    one = str(tmp_path / "one.db")
    done = run("import", str(demo), "--db", one, "--county", "los angeles", "--as-of", "2019-11-11", *chosen,
               "--workers", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "6000 rows" in lines[0]
    assert lines[-1].startswith("Evaluated ") and " in LOS ANGELES as of 2019-11-11 " in lines[-1]

    two = str(tmp_path / "two.db")
    assert run("import", str(demo), "--db", two).returncode == 0
    evaluated = run("evaluate", "--db", two, "--county", "los angeles", "--as-of", "2019-11-11", *chosen,
                    "--workers", "1")
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.splitlines()[-1] == lines[-1]  # the same summary, counts included

    runs_one, rows_one, audit_one = _stored(one)
    runs_two, rows_two, audit_two = _stored(two)
    assert runs_one == runs_two and len(runs_one) == 1
    assert rows_one == rows_two and len(rows_one) > 1000
    assert audit_one == audit_two == ["import", "evaluate"]


def test_one_pass_needs_a_date_and_checks_the_policy_before_writing(tmp_path, demo):
    db = tmp_path / "r.db"
    no_date = run("import", str(demo), "--db", str(db), "--county", "los angeles")
    assert no_date.returncode == 2 and "--county needs --as-of" in no_date.stderr and "Traceback" not in no_date.stderr
    no_county = run("import", str(demo), "--db", str(db), "--as-of", "2019-11-11")
    assert no_county.returncode == 2 and "give --county" in no_county.stderr
    bad = tmp_path / "p.json"
    bad.write_text('{"format": "reviewer-policy", "name": "x", "version": 1, "rules": [{"suggest": "NOPE", "reason": "r"}]}')
    result = run("import", str(demo), "--db", str(db), "--county", "los angeles", "--as-of", "2019-11-11",
                 "--policy", str(bad))
    assert result.returncode == 2 and "rules[0].suggest" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists() or sqlite3.connect(db).execute("SELECT count(*) FROM import_batch").fetchone() == (0,)


def test_one_pass_unknown_county_keeps_the_import(tmp_path, demo):
    db = str(tmp_path / "r.db")
    result = run("import", str(demo), "--db", db, "--county", "Atlantis", "--as-of", "2019-11-11")
    assert result.returncode == 2 and "Traceback" not in result.stderr and "ATLANTIS" in result.stderr.upper()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM import_batch").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM evaluation").fetchone() == (0,)


def test_one_pass_does_not_evaluate_after_a_rejected_file(tmp_path, demo, gogen_dir):
    db = str(tmp_path / "r.db")
    result = run("import", str(demo), str(gogen_dir / "bad.csv"), "--db", db, "--county", "los angeles",
                 "--as-of", "2019-11-11")
    assert result.returncode == 2
    assert "bad.csv: line 1" in result.stderr and "not evaluated: a file was rejected" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM evaluation").fetchone() == (0,)
