"""Reading DOJ research files: accepted shapes, rejected files, flagged values, line numbers."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from reviewer.domain.code_section import parse_code_section
from reviewer.ingest.doj_reader import read_doj_bytes, read_doj_file
from reviewer.ingest.problems import FileRejected
from tests.doj_rows import conviction, row, text


def read(rows, header=False, encoding="utf-8"):
    return read_doj_bytes(text(rows, header).encode(encoding), "f.csv")


def convictions(extract) -> list[dict]:
    return extract.convictions.to_pylist()


@pytest.mark.parametrize("name", ["no_headers.csv", "extra_comma.csv"])
def test_peer_files_import(gogen_dir, name):
    extract = read_doj_file(gogen_dir / name)
    assert (extract.rows, extract.persons.num_rows, extract.convictions.num_rows) == (38, 11, 28)
    # gogen's fabricated rows: three convictions dated before the person's birth (flagged, issue 15)
    assert {(p.field, p.problem) for p in extract.problems} == {("PRI_DOB", "the date of birth is after the date of conviction")}
    assert len(extract.problems) == 3


def test_bad_csv_is_rejected_with_line_and_count(gogen_dir):
    with pytest.raises(FileRejected) as exc:
        read_doj_file(gogen_dir / "bad.csv")
    assert exc.value.line == 1 and str(exc.value) == "bad.csv: line 1: 94 fields, expected 95 (not a DOJ research file)"


@pytest.mark.parametrize("content,line,message", [
    (b"", 1, "the file is empty"),
    (b"   \n\n", 1, "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary content"),
    (b"name,dob\nJANE,1970\n", 1, "2 fields, expected 95"),
])
def test_structurally_broken_files(content, line, message):
    with pytest.raises(FileRejected) as exc:
        read_doj_bytes(content, "x.csv")
    assert exc.value.line == line and message in str(exc.value)


def test_a_short_row_deep_in_the_file_is_named():
    rows = [conviction(CNT_ORDER=f"10100{i}001000") for i in range(1, 6)]
    rows[3] = rows[3][:-2]
    with pytest.raises(FileRejected) as exc:
        read(rows, header=True)
    assert exc.value.line == 5 and "93 fields, expected 95" in str(exc.value)


def test_wrong_header_names_are_rejected():
    content = text([conviction()], header=True).replace("PRI_NAME", "NAME", 1).encode()
    with pytest.raises(FileRejected, match="header column 13 is 'NAME', expected 'PRI_NAME'"):
        read_doj_bytes(content, "f.csv")


def test_latin1_text_imports_and_keeps_the_name():
    extract = read([conviction(PRI_NAME="MUÑOZ,JOSÉ")], encoding="latin-1")
    assert extract.encoding == "cp1252"
    assert extract.persons.column("name").to_pylist() == ["MUÑOZ,JOSÉ"]


def test_utf8_names_in_any_script():
    extract = read([conviction(PRI_NAME="阮,明"), conviction(SUBJECT_ID="200", PRI_NAME="ИВАНОВ,ИВАН")])
    assert sorted(extract.persons.column("name").to_pylist()) == sorted(["阮,明", "ИВАНОВ,ИВАН"])


def test_bad_values_are_flagged_not_rejected():
    rows = [conviction(STP_EVENT_DATE="20191345", CNT_ORDER="101001001000"),
            conviction(CONV_STAT_DESCR="FELONEY", CNT_ORDER="101001002000"),
            conviction(SENT_LENGTH="LIFE", SENT_TIME_CODE="Y", CNT_ORDER="101001003000"),
            conviction(CNT_ORDER="101001004000")]
    extract = read(rows)
    assert [(p.line, p.field) for p in extract.problems] == [
        (1, "STP_EVENT_DATE"), (2, "CONV_STAT_DESCR"), (3, "SENT_LENGTH")]
    issues = [c["issues"] for c in convictions(extract)]
    assert "f.csv line 1, STP_EVENT_DATE: '20191345' is not a valid date (YYYYMMDD)" == issues[0]
    assert "unknown level 'FELONEY'" in issues[1] and issues[3] is None


def test_level_from_conv_stat_else_offense_toc():
    extract = read([conviction(CONV_STAT_DESCR="", OFFENSE_TOC="F", CNT_ORDER="101001001000"),
                    conviction(CONV_STAT_DESCR="MISDEMEANOR", OFFENSE_TOC="F", CNT_ORDER="101001002000"),
                    conviction(CONV_STAT_DESCR="", OFFENSE_TOC="", CNT_ORDER="101001003000")])
    assert [c["level"] for c in convictions(extract)] == ["F", "M", None]
    assert "level missing" in convictions(extract)[2]["issues"]


def test_code_section_from_comment_when_offense_says_so():
    extract = read([conviction(OFFENSE_DESCR="SEE COMMENT FOR CHARGE", COMMENT_TEXT="11358 HS-CULTIVATE"),
                    conviction(OFFENSE_DESCR="", COMMENT_TEXT="11360(A) HS-SELL", CNT_ORDER="101001002000")])
    assert [c["code_section"] for c in convictions(extract)] == ["11358 HS", "11360(A) HS"]
    assert all(c["is_cannabis"] for c in convictions(extract))


def test_multi_row_count_ends_with_its_longest_sentence_part_and_keeps_first_line():
    """Parts of one sentence run together (jail within probation ends with the probation): the
    count's sentence ends with its longest part, never the parts added up (issue 10 point 10)."""
    rows = [conviction(SENT_LENGTH="3", SENT_TIME_CODE="Y", STP_EVENT_DATE="20150214"),
            conviction(SENT_LENGTH="90", SENT_TIME_CODE="D", STP_EVENT_DATE="20150214"),
            row(STP_TYPE_DESCR="ARREST/DETAINED/CITED", CNT_ORDER="102001001000")]
    (c,) = convictions(read(rows))
    assert c["line"] == 1 and c["has_sentence"]
    assert c["sentence_end"] == date(2018, 2, 14)


def test_case_numbers_collect_ofns_of_the_case_and_drop_null():
    rows = [row(OFN="NULL  ", CNT_ORDER="101001001000"),
            conviction(OFN="SC200", CNT_ORDER="101001002000"),
            row(OFN="SC201", CNT_ORDER="101001003000"),
            conviction(OFN="", CNT_ORDER="102001001000")]
    cases = {c["count_order"]: c["court_case"] for c in convictions(read(rows))}
    assert set(cases["101001002000"].split("; ")) == {"SC200", "SC201"} and cases["102001001000"] == ""


def test_deceased_and_registration_rows():
    rows = [conviction(), row(STP_TYPE_DESCR="REGISTRATION", OFFENSE_DESCR="290 PC-REGISTRATION", STP_EVENT_DATE="20050101"),
            row(STP_TYPE_DESCR="DECEASED", STP_EVENT_DATE="20160214")]
    (p,) = read(rows).persons.to_pylist()
    assert p["deceased"] and p["pc290_registration"] and p["registration_date"] == date(2005, 1, 1)


def test_physical_line_numbers_survive_blank_lines_and_header():
    content = text([conviction(CNT_ORDER="101001001000")], header=True) + "\n\n" + text([conviction(CNT_ORDER="101001002000")])
    extract = read_doj_bytes(content.encode(), "f.csv")
    assert [c["line"] for c in convictions(extract)] == [2, 5]


@pytest.mark.parametrize("raw,section,subs,code", [
    ("11359(C) HS", "11359", ("C",), "HS"),
    ("11359HS-INTENT SELL", "11359", (), "HS"),
    ("11357 HS-NO SPECIFIED SUBSECTI", "11357", (), "HS"),
    ("664/187(A) PC", "187", ("A",), "PC"),
    ("288A(C)(2)(A) PC", "288A", ("C", "2", "A"), "PC"),
    ("186.22(B)(4) PC- GANG", "186.22", ("B", "4"), "PC"),
])
def test_code_sections_normalise(raw, section, subs, code):
    parsed = parse_code_section(raw)
    assert (parsed.section, parsed.subsections, parsed.code) == (section, subs, code)


@given(st.text(max_size=60))
def test_code_section_parser_never_crashes(text_in):
    parsed = parse_code_section(text_in)
    assert parsed is None or parsed.section[0].isdigit()


@given(st.sampled_from(["11357", "11358", "11359", "11360"]),
       st.lists(st.sampled_from(["A", "B", "C", "D", "1", "2", "3"]), max_size=3),
       st.sampled_from([" HS", "HS", " HS-", "HS-WORDS"]))
def test_cannabis_sections_round_trip(section, subs, tail):
    raw = section + "".join(f"({s})" for s in subs) + tail
    parsed = parse_code_section(raw)
    assert parsed.is_cannabis and parsed.section == section and parsed.subsections == tuple(subs)
