"""A DOJ file with a value over Python csv's 131,072-character field limit imports (the value cut and
flagged), and `reviewer export gogen` then writes its gogen files, repeating the kept rows whole as gogen
does, instead of failing on the kept copy with "field larger than field limit"."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from reviewer.ingest.doj_format import DOJ_COLUMNS
from reviewer.ingest.raw_text import fields_up_to
from reviewer.reports.gogen_files import CONDENSED_COLUMNS, RESULT_HEADERS
from tests.doj_rows import conviction, text

ROOT = Path(__file__).resolve().parents[1]
LONG = 200_000
REDUCE = "Eligible for Reduction"


def _reviewer(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("REVIEWER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "reviewer", *args], check=False, capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh, fields_up_to(path.stat().st_size):
        return list(csv.reader(fh))


def test_export_gogen_repeats_a_row_with_a_field_over_the_csv_limit(tmp_path):
    rows = [conviction(SUBJECT_ID=f"10{i}", CNT_ORDER=f"10{i}001001000", OFN=f"SC{i}") for i in range(1, 5)]
    rows[1][DOJ_COLUMNS.index("COMMENT_TEXT")] = "Y," * (LONG // 2)  # quoted: commas inside
    rows[2][DOJ_COLUMNS.index("COMMENT_TEXT")] = "Z" * LONG  # not quoted
    doj = tmp_path / "long_field.csv"
    doj.write_text(text(rows, header=True), encoding="utf-8")
    db = tmp_path / "reviewer.db"

    imported = _reviewer("import", str(doj), "--db", str(db), "--county", "SACRAMENTO", "--as-of", "2019-11-11")
    assert imported.returncode == 0, imported.stderr
    assert f"long_field.csv line 3, COMMENT_TEXT: {LONG:,} characters" in imported.stdout

    out = tmp_path / "out"
    exported = _reviewer("export", "gogen", "--db", str(db), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "Traceback" not in exported.stderr and "field limit" not in exported.stderr

    full = _read_csv(out / "All_Results_1.csv")
    assert full[0] == list(DOJ_COLUMNS) + list(RESULT_HEADERS)
    assert [r[: len(DOJ_COLUMNS)] for r in full[1:]] == rows  # the long values whole, as gogen repeats them
    assert [r[-2] for r in full[1:]] == [REDUCE, "Hand Review", "Hand Review", REDUCE]
    assert "COMMENT_TEXT: 200,000 characters, longer than" in full[2][-1]
    condensed = _read_csv(out / "All_Results_Condensed_1.csv")
    picked = [DOJ_COLUMNS.index(c) for c in CONDENSED_COLUMNS]
    assert [r[: len(picked)] for r in condensed[1:]] == [[row[i] for i in picked] for row in rows]
    assert len(_read_csv(out / "Prop64_Results_1.csv")) == 1 + 4
