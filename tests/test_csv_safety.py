"""Every CSV Reviewer writes is safe to open in Excel: a cell that would start a formula is text.

OWASP's remedy (an apostrophe in front of `=`, `+`, `-`, `@`, tab, CR); `export gogen --raw`
repeats the DOJ cells byte for byte for comparisons with gogen. Files are read back with csv.
"""
from __future__ import annotations

import csv
from datetime import date

import pytest

from reviewer.cli import main
from reviewer.ingest.doj_format import DOJ_COLUMNS
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store.database import Database
from tests import doj_rows

DANGEROUS = ['=HYPERLINK("http://example.invalid","x")', "+1", "-2", "@x", "\tTAB,NAME", "\rCR,NAME"]
START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def dangerous(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    rows = []
    for i, name in enumerate(DANGEROUS):
        rows.append(doj_rows.conviction(SUBJECT_ID=str(800000 + i), PRI_NAME=name, CNT_ORDER="001001001000",
                                        OFN=f"=SUM(A{i})", OFFENSE_DESCR="11359 HS-POSSESS FOR SALE",
                                        STP_EVENT_DATE="20100304", COMMENT_TEXT="-11357 HS"))
    doj = folder / "dangerous.csv"
    doj.write_text(doj_rows.text(rows), encoding="utf-8")
    db = Database(folder / "r.db")
    import_file(db, doj, user="tester")
    evaluate(db, "SACRAMENTO", date(2019, 11, 11), None, user="tester")
    db.dispose()
    return folder, doj


def _cells(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_gogen_files_are_safe_and_raw_is_byte_exact(dangerous, tmp_path):
    folder, doj = dangerous
    db = str(folder / "r.db")
    assert main(["export", "gogen", "--db", db, "--out", str(tmp_path / "safe")]) == 0
    assert main(["export", "gogen", "--db", db, "--out", str(tmp_path / "raw"), "--raw"]) == 0
    for name in ("All_Results_1.csv", "All_Results_Condensed_1.csv", "Prop64_Results_1.csv"):
        cells = _cells(tmp_path / "safe" / name)
        assert not [c for c in cells if c.startswith(START)], name
        assert "'=SUM(A0)" in cells and "'+1" in cells, name
    raw = _cells(tmp_path / "raw" / "All_Results_1.csv")
    assert "=SUM(A0)" in raw and "+1" in raw and "-2" in raw
    # --raw: the DOJ part of every row is the input row, cell for cell
    with open(doj, newline="", encoding="utf-8") as fh:
        source = [row for row in csv.reader(fh)]
    with open(tmp_path / "raw" / "All_Results_1.csv", newline="", encoding="utf-8") as fh:
        written = list(csv.reader(fh))[1:]
    assert [row[: len(DOJ_COLUMNS)] for row in written] == [row[: len(DOJ_COLUMNS)] for row in source[-len(written):]]


def test_results_csv_is_safe(dangerous, tmp_path):
    folder, _ = dangerous
    out = tmp_path / "results.csv"
    assert main(["export", "results", "--db", str(folder / "r.db"), "--out", str(out)]) == 0
    cells = _cells(out)
    assert not [c for c in cells if c.startswith(START)]
    assert "'+1" in cells and "'-2" in cells and "'@x" in cells and "'=SUM(A0)" in cells
