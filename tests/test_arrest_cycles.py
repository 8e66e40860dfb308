"""What the DOJ file's arrest steps tell the statute engine, end to end through the CLI.

* The arrest of a cycle (or CYC_DATE) is the offense-date evidence: a conviction entered between
  the cannabis arrest and its disposition is not a prior (People v. Smit (2018) 24 Cal.App.5th 596;
  HS 11361.8(a): "at the time of the offense").
* A cycle that began with a cannabis arrest (HS 11357-11360) and convicted only a related count
  (HS 11364, PC 32 ...) is itself listed for review: a possible plea bargain (issue 10 point 11).
* A count's sentence ends with its longest part; prison is followed by parole or PRCS (HS 11361.8(a)).
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys

from tests.doj_rows import conviction, row, text

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def cli(*args):
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows_by_subject(export_path):
    with open(export_path, newline="", encoding="utf-8") as fh:
        return {(r["subject_id"], r["code_section"]): r for r in csv.DictReader(fh)}


def _file(tmp_path):
    rows = [
        # Person 1: a murder conviction between the cannabis arrest (2009-12-01) and its disposition.
        row(SUBJECT_ID="1", STP_TYPE_DESCR="ARREST/DETAINED/CITED", STP_EVENT_DATE="20091201",
            CNT_ORDER="101001001000", OFFENSE_DESCR="11359 HS-POSSESS FOR SALE"),
        conviction(SUBJECT_ID="1", STP_EVENT_DATE="20100601", CNT_ORDER="101002001000"),
        conviction(SUBJECT_ID="1", STP_EVENT_DATE="20100301", CNT_ORDER="102002001000", OFFENSE_DESCR="187 PC-MURDER",
                   STP_ORI_CNTY_NAME="YOLO", OFN="Y1"),
        # Person 2: the same, but the murder came before the arrest: a prior.
        row(SUBJECT_ID="2", STP_TYPE_DESCR="ARREST/DETAINED/CITED", STP_EVENT_DATE="20091201",
            CNT_ORDER="101001001000", OFFENSE_DESCR="11359 HS-POSSESS FOR SALE"),
        conviction(SUBJECT_ID="2", STP_EVENT_DATE="20100601", CNT_ORDER="101002001000"),
        conviction(SUBJECT_ID="2", STP_EVENT_DATE="20090301", CNT_ORDER="102002001000", OFFENSE_DESCR="187 PC-MURDER",
                   STP_ORI_CNTY_NAME="YOLO", OFN="Y2"),
        # Person 3: arrested for HS 11359, convicted only of HS 11364 (paraphernalia).
        row(SUBJECT_ID="3", STP_TYPE_DESCR="ARREST/DETAINED/CITED", STP_EVENT_DATE="20120105",
            CNT_ORDER="101001001000", OFFENSE_DESCR="11359 HS-POSSESS FOR SALE"),
        conviction(SUBJECT_ID="3", STP_EVENT_DATE="20120601", CNT_ORDER="101002001000", CONV_STAT_DESCR="MISDEMEANOR",
                   OFFENSE_DESCR="11364 HS-POSSESS PARAPHERNALIA", OFN="SC3"),
        # Person 4: jail within probation; the probation (3 years) ends the sentence, not 3 years + 90 days.
        conviction(SUBJECT_ID="4", STP_EVENT_DATE="20160301", CNT_ORDER="101002001000", SENT_LOC_DESCR="PROBATION",
                   SENT_LENGTH="3", SENT_TIME_CODE="Y"),
        conviction(SUBJECT_ID="4", STP_EVENT_DATE="20160301", CNT_ORDER="101002001000", SENT_LOC_DESCR="JAIL",
                   SENT_LENGTH="90", SENT_TIME_CODE="D"),
        # Person 5: two years of prison ending 2017-03-01: parole or PRCS may still run on 2019-11-11.
        conviction(SUBJECT_ID="5", STP_EVENT_DATE="20150301", CNT_ORDER="101002001000", SENT_LOC_DESCR="PRISON",
                   SENT_LENGTH="2", SENT_TIME_CODE="Y"),
    ]
    path = tmp_path / "cycles.csv"
    path.write_text(text(rows, header=True), encoding="utf-8")
    return path


def test_arrest_steps_decide_priors_and_plea_bargains(tmp_path, db_url):
    path = _file(tmp_path)
    cli("import", str(path), "--db", db_url)
    cli("evaluate", "--db", db_url, "--county", "SACRAMENTO", "--as-of", "2019-11-11")
    out = tmp_path / "results.csv"
    cli("export", "results", "--db", db_url, "--out", str(out))
    got = rows_by_subject(out)

    between = got[("1", "11359 HS")]
    assert between["suggestion"] == "REDESIGNATE_MISDEMEANOR", between["reasons"]
    assert "not priors" in between["reasons"] and "187 PC" in between["reasons"]

    prior = got[("2", "11359 HS")]
    assert prior["suggestion"] == "NOT_ELIGIBLE"
    assert "Yolo County" in prior["reasons"] and "court case Y2" in prior["reasons"]

    plea = got[("3", "11364 HS")]
    assert plea["suggestion"] == "NEEDS_REVIEW" and plea["flagged_felony"] == "yes"
    reasons = plea["reasons"]
    assert "11359 HS-POSSESS FOR SALE, arrested 2012-01-05" in reasons and "11364 HS" in reasons

    assert got[("4", "11359 HS")]["sentence_status"] == "COMPLETED"  # ended 2019-03-01
    assert got[("5", "11359 HS")]["sentence_status"] == "UNKNOWN"


def test_a_possible_plea_bargain_stays_in_review_under_a_county_policy(tmp_path):
    """The Los Angeles flow refers misdemeanors to the city attorneys; its rules are about HS 11357-11360
    convictions, so a related count standing in for a cannabis arrest stays NEEDS_REVIEW."""
    db = str(tmp_path / "r.db")
    cli("import", str(_file(tmp_path)), "--db", db)
    cli("evaluate", "--db", db, "--county", "SACRAMENTO", "--as-of", "2019-11-11", "--policy", "los-angeles-pilot-2019")
    out = tmp_path / "results.csv"
    cli("export", "results", "--db", db, "--out", str(out))
    plea = rows_by_subject(out)[("3", "11364 HS")]
    assert plea["suggestion"] == "NEEDS_REVIEW" and "arrested 2012-01-05" in plea["reasons"]
