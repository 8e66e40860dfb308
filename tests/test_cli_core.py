"""The command line as a user runs it: a real process, a real database file, exit codes and messages."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

ENV = {**os.environ, "REVIEWER_USER": "cli-test"}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=ENV, cwd=cwd,
                          timeout=300)


def test_version():
    from reviewer import __version__

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"reviewer {__version__}"


def test_about_names_versions_and_the_import_path():
    from reviewer import __version__

    done = run("about")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"reviewer {__version__}"
    assert "sqlite 3." in lines[1] and "pyarrow" in lines[1]
    assert lines[2].startswith("sqlite bulk import: ")


def test_import_evaluate_export_round_trip(tmp_path, gogen_dir):
    db = str(tmp_path / "r.db")
    imported = run("import", str(gogen_dir / "no_headers.csv"), "--db", db)
    assert imported.returncode == 0, imported.stderr
    # 3 flagged: gogen's fabricated rows of convictions dated before the person's birth (issue 15)
    assert "38 rows, 11 persons, 28 convictions" in imported.stdout and "3 flagged rows" in imported.stdout
    again = run("import", str(gogen_dir / "no_headers.csv"), "--db", db)
    assert again.returncode == 0 and "already imported" in again.stdout
    evaluated = run("evaluate", "--db", db, "--county", "san joaquin", "--as-of", "2019-11-11")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "under statute only" in evaluated.stdout
    out = tmp_path / "results.csv"
    exported = run("export", "results", "--db", db, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    required = {"source_file", "source_line", "subject_id", "name", "county", "code_section", "level",
                "disposition_date", "suggestion", "reasons"}
    assert rows and required <= set(rows[0])
    assert all(r["county"] == "SAN JOAQUIN" and r["code_section"].startswith("113") for r in rows)


def test_rejected_file_exits_2_and_names_line(tmp_path, gogen_dir):
    db = str(tmp_path / "r.db")
    result = run("import", str(gogen_dir / "bad.csv"), "--db", db)
    assert result.returncode == 2
    assert "bad.csv: line 1: 94 fields, expected 95" in result.stderr and "Traceback" not in result.stderr


def test_policy_errors_exit_2_without_traceback(tmp_path, gogen_dir):
    db = str(tmp_path / "r.db")
    run("import", str(gogen_dir / "no_headers.csv"), "--db", db)
    bad = tmp_path / "p.json"
    bad.write_text('{"format": "reviewer-policy", "name": "x", "version": 1, "rules": [{"suggest": "NOPE", "reason": "r"}]}')
    result = run("evaluate", "--db", db, "--county", "YOLO", "--as-of", "2019-11-11", "--policy", str(bad))
    assert result.returncode == 2 and "rules[0].suggest" in result.stderr and "Traceback" not in result.stderr


def test_bad_database_url_is_a_clear_error(tmp_path):
    result = run("export", "results", "--db", "postgresql+psycopg2://nobody@127.0.0.1:1/none", "--out",
                 str(tmp_path / "x.csv"))
    assert result.returncode == 2 and "cannot open the database" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("url, said", [
    ("mysql://clerk:secret@db.example/reviewer", "its driver (MySQLdb) is not part of Reviewer"),
    ("nonsense://clerk:secret@db.example/reviewer", "Reviewer does not know that kind of database"),
])
def test_unknown_database_kind_is_a_clear_error_without_the_url(tmp_path, url, said):
    result = run("export", "results", "--db", url, "--out", str(tmp_path / "x.csv"))
    assert result.returncode == 2 and said in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_a_plain_postgresql_url_means_the_shipped_driver():
    from reviewer.store.database import database_url

    assert database_url("postgresql://u@h:5432/d") == "postgresql+psycopg2://u@h:5432/d"
    assert database_url("postgres://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert database_url("postgresql+psycopg2://u@h/d") == "postgresql+psycopg2://u@h/d"


@pytest.mark.postgres
def test_plain_postgresql_url_opens_the_office_database(tmp_path):
    from tests.conftest import PG_URL

    plain = PG_URL.replace("postgresql+psycopg2://", "postgresql://")
    result = run("export", "results", "--db", plain, "--out", str(tmp_path / "x.csv"))
    assert result.returncode == 0, result.stderr


def test_bad_date_is_a_usage_error(tmp_path):
    result = run("evaluate", "--db", str(tmp_path / "r.db"), "--county", "X", "--as-of", "11/11/2019")
    assert result.returncode == 2 and "is not a date YYYY-MM-DD" in result.stderr


def test_demo_data_then_import(tmp_path):
    out = tmp_path / "demo.csv"
    made = run("demo-data", "--rows", "3000", "--county", "Los Angeles", "--seed", "3", "--out", str(out))
    assert made.returncode == 0, made.stderr
    imported = run("import", str(out), "--db", str(tmp_path / "r.db"))
    assert imported.returncode == 0 and "3000 rows" in imported.stdout


@pytest.mark.parametrize("workers", ["1", "2"])
def test_parallel_and_serial_evaluation_agree(tmp_path, workers):
    out = tmp_path / "demo.csv"
    run("demo-data", "--rows", "4000", "--county", "YOLO", "--out", str(out))
    db = str(tmp_path / "r.db")
    run("import", str(out), "--db", db)
    result = run("evaluate", "--db", db, "--county", "YOLO", "--as-of", "2019-11-11", "--workers", workers,
                 "--policy", "los-angeles-pilot-2019")
    assert result.returncode == 0, result.stderr
    exported = tmp_path / "r.csv"
    run("export", "results", "--db", db, "--out", str(exported))
    (tmp_path.parent / f"workers-{workers}.csv").write_bytes(exported.read_bytes())
    other = tmp_path.parent / f"workers-{'2' if workers == '1' else '1'}.csv"
    if other.exists():
        assert other.read_bytes() == exported.read_bytes()


@pytest.mark.parametrize("command", [
    ["export", "results", "--out", "{db}"],
    ["export", "register", "--out", "{db}"],
    ["whatif", "--policy", "los-angeles-pilot-2019", "--csv", "{db}"],
    ["summary", "--pdf", "{db}"],
    ["audit", "seal", "--out", "{db}-wal"],
])
def test_an_output_onto_the_database_itself_is_refused(tmp_path, gogen_dir, command):
    """Writing a register, a CSV or a PDF over the database file would destroy every decision: refused,
    exit 2, the database untouched."""
    db = tmp_path / "r.db"
    assert run("import", str(gogen_dir / "no_headers.csv"), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    result = run(*[part.replace("{db}", str(db)) for part in command], "--db", str(db))
    assert result.returncode == 2 and "is the database itself" in result.stderr, result.stderr
    assert db.read_bytes() == before
