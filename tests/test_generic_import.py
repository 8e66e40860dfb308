"""Case-management exports: a CSV and an XLSX with different column names import through saved
mappings, with the DOJ import's guarantees; a mapping that misses a required column is refused."""
from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from reviewer.cli import main
from reviewer.ingest.mapping import MappingError
from reviewer.ingest.problems import FileRejected
from reviewer.services import generic_import as gi
from reviewer.services.evaluating import evaluate
from reviewer.store import models as m
from reviewer.store.database import Database

AS_OF = date(2019, 11, 11)

CSV_HEADER = ["Defendant ID", "Defendant Name", "DOB", "Case No", "Count", "Charge", "Charge Level", "Disp Date",
              "Disposition", "Sentence", "Unit", "Notes"]
CSV_ROWS = [
    ["D-1", "DOE,JANE", "01/02/1970", "CR-2001-1", "1", "11359 HS-POSSESS FOR SALE", "FELONY", "03/04/2001",
     "CONVICTED", "3", "Y", ""],
    ["D-1", "DOE,JANE", "01/02/1970", "CR-2001-1", "2", "11357(A) HS", "MISD", "03/04/2001", "GUILTY PLEA", "", "", ""],
    ["D-1", "DOE,JANE", "01/02/1970", "CR-2001-1", "3", "647(F) PC", "M", "03/04/2001", "DISMISSED", "", "", ""],
    ["D-2", "ROE,RICHARD", "1985-06-30", "CR-2012-77", "1", "11358 HS", "F", "2012-07-01", "CONVICTED", "90", "D", ""],
    ["D-3", "POE,EDGAR", "1990-01-01", "CR-2014-5", "1", "11360(A) HS", "felony", "13/45/2014", "CONVICTED", "", "",
     "bad date: flagged, goes to review"],
    ["D-4", "LOE,LUCY", "", "CR-2015-9", "1", "11359 HS", "WOBBLER", "2015-02-02", "CONVICTED", "x", "Y", ""],
    ["", "NOBODY", "", "CR-1", "1", "11358 HS", "F", "2010-01-01", "CONVICTED", "", "", "no person: skipped"],
]
CSV_MAPPING = {
    "source": "County DA case system",
    "county": "Sacramento",
    "columns": {"person_id": "Defendant ID", "name": "Defendant Name", "dob": "DOB", "court_case": "Case No",
                "count": "Count", "offense": "Charge", "level": "Charge Level", "disposition_date": "Disp Date",
                "disposition": "Disposition", "sentence_length": "Sentence", "sentence_unit": "Unit"},
    "convicted": ["CONVICTED", "GUILTY"],
}
XLSX_HEADER = ["Party Number", "Full Name", "Birth Date", "Docket", "Statute", "Degree", "Sentenced On", "Court County"]
XLSX_MAPPING = {
    "source": "Superior Court CMS",
    "columns": {"person_id": "Party Number", "name": "Full Name", "dob": "Birth Date", "court_case": "Docket",
                "offense": "Statute", "level": "Degree", "disposition_date": "Sentenced On", "county": "Court County"},
    "levels": {"FEL.": "F", "MISD.": "M"},
}


def _xlsx_rows():
    return [
        ["P100", "SMITH,ANN", datetime(1960, 5, 5), "SC-1999-1", "11358 HS", "FEL.", datetime(1999, 9, 9), "Sacramento"],
        ["P100", "SMITH,ANN", datetime(1960, 5, 5), "SC-1999-1", "11358 HS", "FEL.", datetime(1999, 9, 9), "Sacramento"],
        ["P200", "=HYPERLINK(\"x\")", None, "SC-2005-2", "11357 HS", "MISD.", date(2005, 1, 2), "YOLO"],
        ["P300", "BROWN,BOB", "1971-01-01", "SC-2010-3", "11360(A)(2) HS", "F", "2010-10-10", "Sacramento"],
    ]


def write_csv(path, rows=CSV_ROWS, header=CSV_HEADER):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append([])  # blank rows above the header are skipped
    ws.append(XLSX_HEADER)
    for row in rows or _xlsx_rows():
        ws.append(row)
    wb.save(path)
    return path


def write_mapping(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def counts(db):
    with db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (m.ImportBatch, m.Person, m.Conviction)}


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


def test_csv_and_xlsx_import_through_saved_mappings(db, tmp_path):
    gi.save_mapping(db, gi.mapping_from_dict(CSV_MAPPING))
    gi.save_mapping(db, gi.mapping_from_dict(XLSX_MAPPING))
    assert [mp.source for mp in gi.list_mappings(db)] == ["County DA case system", "Superior Court CMS"]
    first = gi.import_mapped_file(db, write_csv(tmp_path / "cases.csv"), "County DA case system", user="clerk")
    assert first.imported and (first.rows, first.persons, first.convictions) == (7, 4, 5)
    second = gi.import_mapped_file(db, write_xlsx(tmp_path / "court.xlsx"), "Superior Court CMS", user="clerk")
    assert second.imported and (second.rows, second.persons, second.convictions) == (4, 3, 4)
    with db.session() as s:
        rows = s.execute(select(m.Person.subject_id, m.Conviction.court_case, m.Conviction.count_order,
                                m.Conviction.code_section, m.Conviction.level, m.Conviction.county,
                                m.Conviction.disposition_date, m.Conviction.sentence_end, m.Conviction.issues)
                         .join(m.Person).order_by(m.Conviction.id)).all()
    by_case = {(r[0], r[2]): r for r in rows}
    jane = by_case[("COUNTYDACA:D-1", "CR-2001-1#1")]
    assert jane[3:8] == ("11359 HS", "F", "SACRAMENTO", date(2001, 3, 4), date(2004, 3, 4))
    assert by_case[("COUNTYDACA:D-1", "CR-2001-1#2")][4] == "M"  # "GUILTY PLEA" convicted, MISD a misdemeanor
    assert ("COUNTYDACA:D-1", "CR-2001-1#3") not in by_case  # dismissed count: not a conviction
    assert "Disp Date: '13/45/2014' is not a date" in by_case[("COUNTYDACA:D-3", "CR-2014-5#1")][8]
    lucy = by_case[("COUNTYDACA:D-4", "CR-2015-9#1")][8]
    assert "Charge Level: unknown level 'WOBBLER'" in lucy and "Sentence: 'x' is not a number" in lucy
    ann = [r for r in rows if r[0] == "SUPERIORCO:P100"]
    # without a count column, two identical rows of one case are two counts (told apart by occurrence)
    assert len(ann) == 2 and {r[2] for r in ann} == {"SC-1999-1#11358 HS|1999-09-09", "SC-1999-1#11358 HS|1999-09-09#2"}
    assert ann[0][4] == "F" and ann[0][6] == date(1999, 9, 9)
    assert {r[5] for r in rows if r[0] == "SUPERIORCO:P200"} == {"YOLO"}
    assert any("line 8, Defendant ID: missing" in p for p in first.problems)
    report = evaluate(db, "SACRAMENTO", AS_OF)
    assert report.evaluated == 8 and report.by_suggestion.get("NEEDS_REVIEW", 0) >= 2  # the flagged rows


def test_reimport_adds_nothing(db, tmp_path):
    mapping = gi.mapping_from_dict(CSV_MAPPING)
    path = write_csv(tmp_path / "cases.csv")
    assert gi.import_with_mapping(db, path, mapping).imported
    before = counts(db)
    again = gi.import_with_mapping(db, path, mapping)
    assert not again.imported and "already imported" in again.message and counts(db) == before
    shuffled = write_csv(tmp_path / "cases-reordered.csv", list(reversed(CSV_ROWS)))
    third = gi.import_with_mapping(db, shuffled, mapping)
    assert third.imported and third.new_convictions == 0
    assert counts(db)["conviction"] == before["conviction"]


def test_rows_without_count_column_are_still_told_apart(db, tmp_path):
    data = dict(CSV_MAPPING, columns={k: v for k, v in CSV_MAPPING["columns"].items() if k != "count"})
    rows = [r[:] for r in CSV_ROWS[:2]] + [CSV_ROWS[1][:]]  # two identical counts in one case
    report = gi.import_with_mapping(db, write_csv(tmp_path / "c.csv", rows), gi.mapping_from_dict(data))
    assert report.convictions == 3
    again = gi.import_with_mapping(db, write_csv(tmp_path / "c2.csv", list(reversed(rows))), gi.mapping_from_dict(data))
    assert again.new_convictions == 0


def test_mapping_missing_a_required_column_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "cases.csv")
    before = counts(db)
    missing = dict(CSV_MAPPING, columns={k: v for k, v in CSV_MAPPING["columns"].items() if k != "offense"})
    with pytest.raises(MappingError) as exc:
        gi.mapping_from_dict(missing)
    assert "misses required field(s) offense (charge / code section)" in str(exc.value)
    wrong = dict(CSV_MAPPING, columns={**CSV_MAPPING["columns"], "offense": "Charge Code"})
    with pytest.raises(MappingError) as exc:
        gi.import_with_mapping(db, path, gi.mapping_from_dict(wrong))
    text = str(exc.value)
    assert "column 'Charge Code' (mapped to offense" in text and "is not in the header" in text and "'Charge'" in text
    no_county = dict(CSV_MAPPING)
    del no_county["county"]
    with pytest.raises(MappingError, match="county"):
        gi.mapping_from_dict(no_county)
    assert counts(db) == before


@pytest.mark.parametrize("data,message", [
    ({"source": "x", "columns": {"person_id": "a"}, "colums": {}}, "unknown key 'colums'"),
    ({"source": "x", "columns": {"persons": "a"}}, "unknown field 'persons'"),
    ({"columns": {"person_id": "a"}}, '"source" must name'),
    ({"source": "x", "columns": {}}, '"columns" must map'),
    ({**CSV_MAPPING, "date_format": "MM/DD/YYYY"}, "strftime"),
    ({**CSV_MAPPING, "levels": {"FEL": "X"}}, "F, M or I"),
])
def test_mapping_document_is_validated_field_by_field(data, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(")):
        gi.mapping_from_dict(data)


def test_rejected_files_change_nothing(db, tmp_path):
    mapping = gi.mapping_from_dict(CSV_MAPPING)
    gi.import_with_mapping(db, write_csv(tmp_path / "ok.csv"), mapping)
    before = counts(db)
    ragged = write_csv(tmp_path / "ragged.csv", [CSV_ROWS[0], ["D-9", "ONLY", "THREE"]])
    with pytest.raises(FileRejected, match="line 3: 3 fields, the header has 12"):
        gi.import_with_mapping(db, ragged, mapping)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(FileRejected, match="empty"):
        gi.import_with_mapping(db, empty, mapping)
    header_only = write_csv(tmp_path / "header.csv", [])
    with pytest.raises(FileRejected, match="no data rows"):
        gi.import_with_mapping(db, header_only, mapping)
    not_xlsx = tmp_path / "broken.xlsx"
    not_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRejected, match="not a readable Excel workbook"):
        gi.import_with_mapping(db, not_xlsx, gi.mapping_from_dict(XLSX_MAPPING))
    assert counts(db) == before


def test_semicolon_csv_in_windows_encoding(db, tmp_path):
    path = tmp_path / "semi.csv"
    lines = [";".join(CSV_HEADER)] + [";".join(r) for r in CSV_ROWS[:2]]
    path.write_bytes(("\r\n".join(lines).replace("DOE,JANE", "PEÑA,JOSÉ") + "\r\n").encode("cp1252"))
    report = gi.import_with_mapping(db, path, gi.mapping_from_dict(CSV_MAPPING))
    assert report.imported and report.convictions == 2
    with db.session() as s:
        assert s.scalar(select(m.Person.name)) == "PEÑA,JOSÉ"


def test_preview_guess_and_detect(tmp_path, gogen_dir):
    header, rows, sheets = gi.preview(write_xlsx(tmp_path / "court.xlsx"), rows=2)
    assert header == XLSX_HEADER and len(rows) == 2 and sheets == ["Cases"] and rows[0][2] == "1960-05-05"
    header, rows, sheets = gi.preview(write_csv(tmp_path / "cases.csv"), rows=3)
    assert header == CSV_HEADER and len(rows) == 3 and sheets == []
    guess = gi.guess_columns(CSV_HEADER)
    assert guess["offense"] == "Charge" and guess["person_id"] == "Defendant ID" and guess["dob"] == "DOB"
    assert gi.detect_kind(gogen_dir / "no_headers.csv") == "doj"
    assert gi.detect_kind(gogen_dir / "extra_comma.csv") == "doj"
    assert gi.detect_kind(tmp_path / "cases.csv") == "case" and gi.detect_kind(tmp_path / "court.xlsx") == "case"


def test_cli_import_with_mapping_file(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    mapping = write_mapping(tmp_path / "mapping.json", CSV_MAPPING)
    assert main(["import", str(write_csv(tmp_path / "cases.csv")), "--mapping", str(mapping), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "cases.csv: 7 rows, 4 persons, 5 convictions (5 new), 3 flagged rows" in out and "flagged: " in out
    # the mapping is now saved under its source and reusable by name
    assert main(["import", str(write_xlsx(tmp_path / "court.xlsx")), "--mapping", "County DA case system",
                 "--db", db]) == 2
    assert "is not in the header" in capsys.readouterr().err
    assert main(["mapping", "--db", db]) == 0
    assert "County DA case system: person_id <- 'Defendant ID'" in capsys.readouterr().out
    bad = write_mapping(tmp_path / "bad.json", dict(CSV_MAPPING, columns={"person_id": "Defendant ID"}))
    assert main(["import", str(tmp_path / "cases.csv"), "--mapping", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rejected: bad.json: the mapping misses required field(s) court_case")
    assert "Traceback" not in err
