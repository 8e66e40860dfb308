"""Code sections as DOJ files spell them (../shared/DOMAIN.md, "Spellings"; issue 10 point 0).

DOJ files write code sections many ways: `11360A HS`, `11359B HS`, `11357B2 HS`, `11360(B) SELL/...`
without the code, `11358 HS -CULTIVATE`, the section only in COMMENT_TEXT. The spellings below are
those of Code for America gogen's test-data generator (built from real DOJ offense descriptions)
and of its code-section matcher tests. A cannabis conviction that cannot be read is flagged, never
dropped: it imports as a cannabis conviction with an issue and is evaluated NEEDS_REVIEW.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from reviewer.domain.code_section import cannabis_mention, parse_code_section, read_offense
from reviewer.ingest.generic_reader import read_mapped_bytes
from reviewer.ingest.mapping import parse_mapping
from tests.doj_rows import conviction, row, text

# raw text -> (section, subsections, code, is_cannabis)
SPELLINGS = [
    # gogen's generator, cannabis offenses
    ("11357 HS-POSSESSION OF MARIJUANA", "11357", (), "HS", True),
    ("11357(A) HS-POSSESS CONCENTRATED CANNABIS", "11357", ("A",), "HS", True),
    ("11357(C) HS-POSS MARIJUANA OVER 1 OZ/28.5 GRAM", "11357", ("C",), "HS", True),
    ("11357A HS-POSSESSION OF MARIJUANA", "11357", ("A",), "HS", True),
    ("11357B2 HS-POSSESSION OF MARIJUANA", "11357", ("B", "2"), "HS", True),
    ("11358 HS-PLANT/CULTIVATE/ETC MARIJUANA/HASH", "11358", (), "HS", True),
    ("11358(C) HS-CULTIVATE MARIJUANA 6+ PLANTS", "11358", ("C",), "HS", True),
    ("11359 HS-MARIJUANA POSSESS FOR SALE", "11359", (), "HS", True),
    ("11359(A) HS-POSSESS MARIJUANA/HASH FOR SALE", "11359", ("A",), "HS", True),
    ("11359(B) HS-POSSESS MARIJUANA FOR SALE", "11359", ("B",), "HS", True),
    ("11359B HS-MARIJUANA POSSESS FOR SALE", "11359", ("B",), "HS", True),
    ("11360 HS-SELL/TRANSPORT/ETC MARIJUANA/HASH", "11360", (), "HS", True),
    ("11360(A) HS-GIVE/ETC MARIJ OVER 1 OZ/28.5 GRM", "11360", ("A",), "HS", True),
    ("11360(B) SELL/FURNISH/ETC MARIJUANA/HASH", "11360", ("B",), "", True),
    ("11360A HS-SELL/FURNISH/ETC MARIJUANA/HASH", "11360", ("A",), "HS", True),
    ("11360A2 HS-SELL/FURNISH/ETC MARIJUANA/HASH", "11360", ("A", "2"), "HS", True),
    # stray spaces, dashes, lowercase, no code, attempts
    ("11359 (C)(3) HS", "11359", ("C", "3"), "HS", True),
    ("11359  HS", "11359", (), "HS", True),
    ("11360 ( A ) ( 2 ) HS", "11360", ("A", "2"), "HS", True),
    ("11358 HS -CULTIVATE", "11358", (), "HS", True),
    ("11359HS-INTENT SELL", "11359", (), "HS", True),
    ("11359B-HS", "11359", ("B",), "HS", True),
    ("11360a2 hs-sell", "11360", ("A", "2"), "HS", True),
    ("11360A(2) HS", "11360", ("A", "2"), "HS", True),
    ("11360A3C HS", "11360", ("A", "3", "C"), "HS", True),
    ("11358CULTIVATE", "11358", (), "", True),
    ("/11357 HS", "11357", (), "HS", True),
    ("  11357 HS-NO SPECIFIED SUBSECTI", "11357", (), "HS", True),
    ("11359 H&S", "11359", (), "HS", True),
    ("664/11359 HS", "11359", (), "HS", True),
    ("664.11357(c) HS", "11357", ("C",), "HS", True),
    ("66411357(c) HS", "11357", ("C",), "HS", True),
    ("664-11357(c) HS", "11357", ("C",), "HS", True),
    # not cannabis: other sections keep their letter suffix (the disqualifier tables rely on it)
    ("11357.5 HS-SYNTHETIC CANNABINOID", "11357.5", (), "HS", False),
    ("11350(A) HS-POSSESS NARC CONTROL SUBSTANCE", "11350", ("A",), "HS", False),
    ("11366.5  (B) HS", "11366.5", ("B",), "HS", False),
    ("--11366.5(A)HS--", "11366.5", ("A",), "HS", False),
    ("288A PC", "288A", (), "PC", False),
    ("288A(C)(2)(A) PC", "288A", ("C", "2", "A"), "PC", False),
    ("288(A) PC-LEWD OR LASCIV ACTS", "288", ("A",), "PC", False),
    ("273AB PC", "273AB", (), "PC", False),
    ("653F(C) PC", "653F", ("C",), "PC", False),
    ("647A PC", "647A", (), "PC", False),
    ("266C PC", "266C", (), "PC", False),
    ("266H(B) PC", "266H", ("B",), "PC", False),
    ("664/187(A) PC", "187", ("A",), "PC", False),
    ("186.22(B)(4) PC- GANG", "186.22", ("B", "4"), "PC", False),
    ("--40508 VC--", "40508", (), "VC", False),
    ("4060    BP", "4060", (), "BP", False),
    ("14601.1(A) VC-DRIVE WHILE LIC SUSPEND/ETC", "14601.1", ("A",), "VC", False),
    ("6600 WIC", "6600", (), "WI", False),
    ("1672(A) MV", "1672", ("A",), "MV", False),
    ("484(A)/490.5 PC-THEFT/PETTY THEFT MERCHANDISE", "484", ("A",), "", False),
    ("32 PC-ACCESSORY", "32", (), "PC", False),
]


@pytest.mark.parametrize("raw,section,subs,code,cannabis", SPELLINGS)
def test_doj_spellings(raw, section, subs, code, cannabis):
    parsed = parse_code_section(raw)
    assert (parsed.section, parsed.subsections, parsed.code, parsed.is_cannabis) == (section, subs, code, cannabis)
    assert read_offense(raw) == (parsed, None)


@pytest.mark.parametrize("raw", ["11360(B) SELL/FURNISH", "11359 FOR SALE", "187 MURDER", "11357 OZ"])
def test_a_word_is_never_a_code(raw):
    assert parse_code_section(raw).code == ""


def test_attempt_is_kept():
    assert str(parse_code_section("664.11357(c) HS")) == "664/11357(C) HS"


@pytest.mark.parametrize("raw,mention", [
    ("XYZ 11359", "11359"),
    ("POSS MARIJ 11357(B)", "11357"),
    ("11359 PC-POSSESS FOR SALE", "11359"),  # the code is wrong: HS 11359 is meant
    ("HS11360", "11360"),
    ("182(A)(1) PC-CONSPIRACY 11359 HS", "11359"),
])
def test_an_unreadable_cannabis_mention_reads_as_the_section_with_a_problem(raw, mention):
    code, problem = read_offense(raw)
    assert code.section == mention and code.is_cannabis
    assert problem.startswith(f"{raw!r} names HS {mention} but the code section could not be read")


@pytest.mark.parametrize("raw", ["11357.5 HS", "111359 HS", "113590", "11350 HS", "THIS IS A COMMENT", ""])
def test_no_cannabis_mention(raw):
    assert cannabis_mention(raw) is None
    assert read_offense(raw)[1] is None


# --- a DOJ file through the command line ------------------------------------------------------

GOGEN_CANNABIS = [raw for raw, *_, cannabis in SPELLINGS[:16]]
UNREADABLE = "POSS MARIJ FOR SALE 11359"


def _cli(*args):
    env = {**os.environ, "REVIEWER_USER": "spellings-test"}
    done = subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_doj_file_with_every_spelling_imports_every_cannabis_conviction(tmp_path):
    rows = [row(STP_TYPE_DESCR="ARREST/DETAINED/CITED", CNT_ORDER="101001001000", OFFENSE_DESCR=GOGEN_CANNABIS[0],
                STP_EVENT_DATE="20091201")]
    for i, raw in enumerate(GOGEN_CANNABIS, start=1):
        rows.append(conviction(OFFENSE_DESCR=raw, CNT_ORDER=f"101002{i:03d}000", OFN=f"SC{i}"))
    rows.append(conviction(OFFENSE_DESCR="SEE COMMENT FOR CHARGE", COMMENT_TEXT="11359B HS-SALE",
                           CNT_ORDER="102002001000"))
    rows.append(conviction(OFFENSE_DESCR=UNREADABLE, CNT_ORDER="103002001000"))
    rows.append(conviction(OFFENSE_DESCR="", COMMENT_TEXT="CULT MARIJ 11358", CNT_ORDER="104002001000"))
    rows.append(conviction(OFFENSE_DESCR="459 PC-BURGLARY", CNT_ORDER="105002001000"))
    path = tmp_path / "spellings.csv"
    path.write_text(text(rows, header=True))
    unreadable_line = 2 + len(rows) - 3  # header on line 1
    comment_line = unreadable_line + 1
    db = str(tmp_path / "r.db")

    out = _cli("import", str(path), "--db", db)
    assert f"{len(rows)} rows, 1 persons, {len(rows) - 1} convictions" in out and "2 flagged rows" in out
    assert (f"flagged: spellings.csv line {unreadable_line}, OFFENSE_DESCR: '{UNREADABLE}' names HS 11359 but the "
            "code section could not be read") in out
    assert (f"flagged: spellings.csv line {comment_line}, COMMENT_TEXT: 'CULT MARIJ 11358' names HS 11358 but the "
            "code section could not be read") in out

    out = _cli("evaluate", "--db", db, "--county", "sacramento", "--as-of", "2019-11-11")
    cannabis = len(GOGEN_CANNABIS) + 3
    assert f"Evaluated {cannabis} cannabis convictions" in out

    results = tmp_path / "results.csv"
    _cli("export", "results", "--db", db, "--out", str(results))
    with open(results, newline="", encoding="utf-8") as fh:
        exported = {int(r["source_line"]): r for r in csv.DictReader(fh)}
    assert sorted(exported) == list(range(3, 3 + cannabis))  # every cannabis count, no burglary
    for line, raw in enumerate(GOGEN_CANNABIS + ["11359B HS-SALE"], start=3):
        want = parse_code_section(raw)
        assert exported[line]["code_section"] == str(want) and want.is_cannabis, raw
    for line, section in ((unreadable_line, "11359"), (comment_line, "11358")):
        assert exported[line]["code_section"] == section
        assert exported[line]["suggestion"] == "NEEDS_REVIEW"
        assert "could not be read" in exported[line]["reasons"]


def test_case_export_flags_an_unreadable_cannabis_charge_too():
    mapping = parse_mapping(json.dumps({
        "source": "County DA case system", "county": "Sacramento",
        "columns": {"person_id": "ID", "name": "Name", "court_case": "Case", "count": "Count", "offense": "Charge",
                    "level": "Level", "disposition_date": "Disp Date"},
    }))
    content = ("ID,Name,Case,Count,Charge,Level,Disp Date\n"
               "D1,\"DOE,JANE\",CR-1,1,11360A HS-SELL,F,2010-01-01\n"
               "D1,\"DOE,JANE\",CR-1,2,MARIJ SALES 11360,F,2010-01-01\n")
    extract = read_mapped_bytes(content.encode(), "cases.csv", mapping)
    assert [(p.line, p.field) for p in extract.problems] == [(3, "Charge")]
    convs = sorted(extract.convictions.to_pylist(), key=lambda c: c["line"])
    assert [(c["code_section"], c["is_cannabis"]) for c in convs] == [("11360(A) HS", True), ("11360", True)]
    assert convs[0]["issues"] is None
    assert "cases.csv line 3, Charge: 'MARIJ SALES 11360' names HS 11360 but the code section could not be read" \
        == convs[1]["issues"]
