"""One CNT_ORDER, two offenses: the importer keeps one conviction per count, so the other offense would vanish
from the record unseen (a prior murder, and with it a felony exception). The person's convictions are flagged
instead, naming both lines, and go to review."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

from tests.doj_rows import conviction, text

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def cli(*args):
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _results(tmp_path, rows):
    doj, db, out = tmp_path / "doj.csv", tmp_path / "r.db", tmp_path / "results.csv"
    doj.write_text(text(rows), encoding="utf-8")
    cli("import", str(doj), "--db", str(db), "--county", "SACRAMENTO", "--as-of", "2019-11-11")
    cli("export", "results", "--db", str(db), "--out", str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        return {r["subject_id"]: r for r in csv.DictReader(fh)}


def test_a_murder_sharing_a_count_with_another_offense_sends_the_persons_cannabis_felony_to_review(tmp_path):
    rows = [
        # Person 1: lines 1-2, one CNT_ORDER holding a burglary and then a murder (1991).
        conviction(SUBJECT_ID="1", STP_EVENT_DATE="19910411", CNT_ORDER="101001001000", OFFENSE_DESCR="459 PC-BURGLARY",
                   OFN="CR1"),
        conviction(SUBJECT_ID="1", STP_EVENT_DATE="19910411", CNT_ORDER="101001001000", OFFENSE_DESCR="187 PC-MURDER",
                   OFN="CR1"),
        conviction(SUBJECT_ID="1", STP_EVENT_DATE="20100601", CNT_ORDER="102001001000", OFN="CR2"),
        # Person 2: the same count on two rows with the same offense (a second sentence part): one conviction, as ever.
        conviction(SUBJECT_ID="2", CII_NUMBER="A2", STP_EVENT_DATE="20100601", CNT_ORDER="101001001000", OFN="CR3"),
        conviction(SUBJECT_ID="2", CII_NUMBER="A2", STP_EVENT_DATE="20100601", CNT_ORDER="101001001000", OFN="CR3"),
    ]
    results = _results(tmp_path, rows)
    flagged = results["1"]
    assert flagged["suggestion"] == "NEEDS_REVIEW", flagged
    assert "line 1 and line 2" in flagged["reasons"] and "CNT_ORDER" in flagged["reasons"]
    assert "REDESIGNATE" not in flagged["suggestion"]
    assert results["2"]["suggestion"] == "REDESIGNATE_MISDEMEANOR"
    assert "CNT_ORDER" not in results["2"]["reasons"]


def test_the_clash_is_reported_among_the_flagged_rows_without_the_offense_text(tmp_path):
    rows = [
        conviction(CNT_ORDER="101001001000", OFFENSE_DESCR="459 PC-BURGLARY", STP_EVENT_DATE="19910411"),
        conviction(CNT_ORDER="101001001000", OFFENSE_DESCR="187 PC-MURDER", STP_EVENT_DATE="19910411"),
    ]
    doj, db = tmp_path / "doj.csv", tmp_path / "r.db"
    doj.write_text(text(rows), encoding="utf-8")
    said = cli("import", str(doj), "--db", str(db))
    assert "flagged" in said.lower()
    assert "MURDER" not in said and "DOE" not in said
