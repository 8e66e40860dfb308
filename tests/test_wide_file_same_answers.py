"""The gogen-shaped file (every one of the 95 columns filled, as gogen's generator writes) gives the same
persons, convictions and suggestions as the narrow demo file it was widened from: the reader keeps only the
columns it uses, whatever the others hold (issue 14's second benchmark file, bench/gogen_shaped.py)."""
from __future__ import annotations

import csv
import importlib.util
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "REVIEWER_USER": "cli-test"}
STORED = ("SELECT p.subject_id, c.count_order, c.offense_text, c.court_case, c.county, c.disposition_date, "
          "c.offense_date, c.sentence_end, c.issues, e.suggestion, e.statute_suggestion, e.reasons, "
          "e.sentence_status, e.flagged, e.questions FROM conviction c JOIN person p ON p.id = c.person_id "
          "LEFT JOIN evaluation e ON e.conviction_id = c.id ORDER BY 1, 2")


def _widen():
    spec = importlib.util.spec_from_file_location("gogen_shaped", ROOT / "bench" / "gogen_shaped.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.widen


def run(*args):
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], check=False, capture_output=True, text=True,
                          env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_column_filled_changes_no_answer(tmp_path):
    narrow, wide = tmp_path / "narrow.csv", tmp_path / "wide.csv"
    run("demo-data", "--rows", "4000", "--county", "Los Angeles", "--seed", "7", "--out", str(narrow))
    assert _widen()(narrow, wide) == 4000
    with open(wide, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    assert all(len(row) == 95 for row in rows)
    filled = sum(1 for row in rows for cell in row if cell) / (95 * len(rows))
    assert filled > 0.85  # nearly every cell holds a value (a used column may stay empty, as in the demo file)
    assert wide.stat().st_size > 2.5 * narrow.stat().st_size
    assert wide.stat().st_mode & 0o077 == 0

    stored = []
    for name, source in (("narrow", narrow), ("wide", wide)):
        db = str(tmp_path / f"{name}.db")
        run("import", str(source), "--db", db, "--county", "los angeles", "--as-of", "2019-11-11",
            "--policy", "los-angeles-pilot-2019")
        with sqlite3.connect(db) as conn:
            stored.append(conn.execute(STORED).fetchall())
    assert len(stored[0]) > 1000 and sum(1 for row in stored[0] if row[9]) > 300
    assert stored[0] == stored[1]
