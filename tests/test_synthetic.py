"""Synthetic DOJ research files: shape, determinism, coverage of the special cases, stats."""
from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from reviewer.ingest.synthetic import DOJ_COLUMNS, DemoStats, iter_demo_rows, write_demo_file

C = {name: index for index, name in enumerate(DOJ_COLUMNS)}
GOGEN = Path(__file__).resolve().parent / "fixtures" / "gogen"
CANNABIS = re.compile(r"^(11357|11358|11359|11360)")
SUPER_STRIKES = ("187 PC", "664/187", "261(A)(2) PC", "288(A) PC", "220 PC")
PC290 = ("314(1) PC", "647.6 PC", "288(A) PC")
SAMPLE_ROWS = 30_000


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def charge(row: list[str]) -> str:
    offense = row[C["OFFENSE_DESCR"]]
    return row[C["COMMENT_TEXT"]] if offense in ("", "SEE COMMENT FOR CHARGE") else offense


def convicted(row: list[str]) -> bool:
    return row[C["DISP_DESCR"]].startswith("CONVICTED")


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[DemoStats, list[list[str]]]:
    path = tmp_path_factory.mktemp("synthetic") / "sample.csv"
    stats = write_demo_file(path, SAMPLE_ROWS, "SACRAMENTO", seed=7, header=False)
    return stats, read(path)


def test_columns_are_the_doj_header():
    assert len(DOJ_COLUMNS) == 95 and DOJ_COLUMNS[0] == "RECORD_ID" and DOJ_COLUMNS[-1] == "END_OF_REC"
    assert C["SUBJECT_ID"] == 2 and C["CNT_ORDER"] == 50 and C["OFFENSE_DESCR"] == 54
    assert C["DISP_DESCR"] == 80 and C["CONV_STAT_DESCR"] == 82 and C["COMMENT_TEXT"] == 93
    fixture = GOGEN / "extra_comma.csv"
    if fixture.exists():
        header = fixture.read_text(encoding="utf-8").splitlines()[0].rstrip(",").split(",")
        assert tuple(header) == DOJ_COLUMNS


@pytest.mark.parametrize("rows", [0, 1, 7, 1000])
@pytest.mark.parametrize("header", [True, False])
def test_exact_row_count_with_or_without_header(tmp_path, rows, header):
    path = tmp_path / "out.csv"
    stats = write_demo_file(path, rows, "YOLO", seed=3, header=header)
    lines = read(path)
    if header:
        assert lines[0] == list(DOJ_COLUMNS)
        lines = lines[1:]
    assert stats.rows == rows == len(lines)
    assert all(len(line) == 95 for line in lines)
    if lines:
        assert lines[0][C["SUBJECT_ID"]].isdigit()


def test_file_is_utf8_with_newline_endings(tmp_path):
    path = tmp_path / "out.csv"
    write_demo_file(path, 2000, "SAN JOAQUIN", seed=1)
    data = path.read_bytes()
    data.decode("utf-8")
    assert b"\r" not in data and data.endswith(b"\n")
    assert data.count(b"\n") == 2001


def test_every_row_has_95_strings(sample):
    _, rows = sample
    assert len(rows) == SAMPLE_ROWS
    assert all(len(row) == 95 for row in rows)
    generated = list(iter_demo_rows(500, "SACRAMENTO", seed=7))
    assert all(len(row) == 95 and all(isinstance(v, str) for v in row) for row in generated)


def test_same_seed_same_file_and_different_seed_differs(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert write_demo_file(a, 5000, "ALAMEDA", seed=11) == write_demo_file(b, 5000, "ALAMEDA", seed=11)
    write_demo_file(c, 5000, "ALAMEDA", seed=12)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_iterator_yields_the_file_rows(sample):
    _, rows = sample
    assert list(iter_demo_rows(SAMPLE_ROWS, "SACRAMENTO", seed=7)) == rows


def test_stats_match_the_file(sample):
    stats, rows = sample
    convictions = {(r[C["SUBJECT_ID"]], r[C["CNT_ORDER"]]) for r in rows if convicted(r)}
    cannabis = {(r[C["SUBJECT_ID"]], r[C["CNT_ORDER"]]) for r in rows if convicted(r) and CANNABIS.match(charge(r))}
    assert stats == DemoStats(
        rows=len(rows),
        persons=len({r[C["SUBJECT_ID"]] for r in rows}),
        convictions=len(convictions),
        cannabis_convictions=len(cannabis),
    )
    assert 0 < stats.cannabis_convictions < stats.convictions < stats.rows


@pytest.mark.parametrize("rows", [1, 2, 3, 5, 8, 13, 21])
def test_stats_hold_when_the_last_person_is_cut(tmp_path, rows):
    path = tmp_path / "cut.csv"
    stats = write_demo_file(path, rows, "KERN", seed=rows, header=False)
    lines = read(path)
    assert stats.rows == len(lines)
    assert stats.persons == len({r[C["SUBJECT_ID"]] for r in lines})
    assert stats.convictions == len({(r[C["SUBJECT_ID"]], r[C["CNT_ORDER"]]) for r in lines if convicted(r)})


def test_chosen_county_dominates(sample):
    _, rows = sample
    counties = Counter(r[C["STP_ORI_CNTY_NAME"]] for r in rows)
    assert 0.62 < counties["SACRAMENTO"] / len(rows) < 0.78
    others = set(counties) - {"SACRAMENTO"}
    assert len(others) >= 8
    assert {"LOS ANGELES", "SAN DIEGO", "ALAMEDA", "YOLO", "SAN JOAQUIN", "FRESNO", "KERN"} <= others
    lowered = list(iter_demo_rows(300, " los angeles ", seed=2))
    assert Counter(r[C["STP_ORI_CNTY_NAME"]] for r in lowered).most_common(1)[0][0] == "LOS ANGELES"


def test_people_have_consistent_identities(sample):
    _, rows = sample
    people: dict[str, tuple[str, ...]] = {}
    for row in rows:
        subject = row[C["SUBJECT_ID"]]
        identity = tuple(row[C[name]] for name in ("CII_NUMBER", "PRI_NAME", "PRI_DOB", "GENDER"))
        assert people.setdefault(subject, identity) == identity
    ciis = [identity[0] for identity in people.values()]
    assert len(set(ciis)) == len(ciis)
    for subject, (cii, name, dob, gender) in people.items():
        assert re.fullmatch(r"\d{8}", subject) and re.fullmatch(r"\d{10}", cii)
        assert "," in name and gender in ("M", "F")
        assert 1940 <= day(dob).year <= 2000
    # A person's rows are contiguous: each subject starts exactly once.
    starts = [r[C["SUBJECT_ID"]] for i, r in enumerate(rows) if i == 0 or rows[i - 1][C["SUBJECT_ID"]] != r[C["SUBJECT_ID"]]]
    assert len(starts) == len(set(starts)) == len(people)


def test_dates_orders_and_steps(sample):
    _, rows = sample
    arrests: dict[tuple[str, str], dt.date] = {}
    steps = Counter(r[C["STP_TYPE_DESCR"]] for r in rows)
    assert set(steps) == {"ARREST/DETAINED/CITED", "COURT ACTION", "REGISTRATION", "DECEASED"}
    for row in rows:
        order, when = row[C["CNT_ORDER"]], day(row[C["STP_EVENT_DATE"]])
        assert re.fullmatch(r"\d{9}000", order)
        assert dt.date(1975, 1, 1) <= when <= dt.date(2019, 12, 31)
        assert when > day(row[C["PRI_DOB"]])
        cycle = (row[C["SUBJECT_ID"]], order[:3])
        if row[C["STP_TYPE_DESCR"]] == "ARREST/DETAINED/CITED":
            arrests[cycle] = when
            assert not convicted(row) and row[C["OFN"]] == ""
        elif row[C["STP_TYPE_DESCR"]] == "COURT ACTION":
            assert when > arrests[cycle]
            assert re.fullmatch(r"[A-Z]{1,3}\d{6}[AB]?", row[C["OFN"]])
            assert row[C["OFFENSE_TOC"]] in ("F", "M", "I")
    conv_rows = [r for r in rows if convicted(r)]
    assert all(r[C["STP_TYPE_DESCR"]] == "COURT ACTION" for r in conv_rows)
    assert {r[C["CONV_STAT_DESCR"]] for r in conv_rows} == {"FELONY", "MISDEMEANOR", "INFRACTION", ""}
    assert {r[C["SENT_TIME_CODE"]] for r in conv_rows} == {"D", "M", "Y", ""}
    assert {"PROBATION", "JAIL", "PRISON", "FINE"} <= {r[C["SENT_LOC_DESCR"]] for r in conv_rows}
    assert any(r[C["DISP_DESCR"]].startswith("DISMISSED") for r in rows)


def test_cannabis_is_about_a_third_of_counts_and_mostly_before_auma(sample):
    _, rows = sample
    court = {(r[C["SUBJECT_ID"]], r[C["CNT_ORDER"]]): r for r in rows if r[C["STP_TYPE_DESCR"]] == "COURT ACTION"}
    cannabis = [r for r in court.values() if CANNABIS.match(charge(r))]
    assert 0.25 < len(cannabis) / len(court) < 0.42
    before = sum(day(r[C["STP_EVENT_DATE"]]) < dt.date(2016, 11, 9) for r in cannabis)
    assert before / len(cannabis) > 0.9
    convictions = [r for r in cannabis if convicted(r)]
    for section in ("11357", "11358", "11359", "11360"):
        levels = {r[C["CONV_STAT_DESCR"]] for r in convictions if charge(r).startswith(section)}
        assert "MISDEMEANOR" in levels, section
        if section != "11357":
            assert "FELONY" in levels, section
    spellings = {charge(r) for r in cannabis}
    for expected in ("11357(A) HS", "11357 HS-NO SPECIFIED SUBSECTION", "11359HS-INTENT SELL",
                     "11360(A) HS-TRANSPORT/SELL MARIJUANA", "11359(C) HS-POSSESS MARIJUANA FOR SALE"):
        assert expected in spellings
    codes = (re.search(r" (VC|PC|BP|HS)-", charge(r)) for r in court.values() if not CANNABIS.match(charge(r)))
    others = {match.group(1) for match in codes if match}
    assert {"VC", "PC", "BP", "HS"} <= others


def test_special_cases_occur(sample):
    _, rows = sample
    convictions = [r for r in rows if convicted(r)]
    assert any(charge(r).startswith(SUPER_STRIKES) for r in convictions)
    assert any(charge(r).startswith(PC290) for r in convictions)
    registrations = [r for r in rows if r[C["STP_TYPE_DESCR"]] == "REGISTRATION"]
    assert registrations
    assert all(r[C["OFFENSE_DESCR"]] == "290 PC-REGISTRATION OF SEX OFFENDER" for r in registrations)
    assert any(r[C["STP_TYPE_DESCR"]] == "DECEASED" for r in rows)
    see_comment = [r for r in rows if r[C["OFFENSE_DESCR"]] == "SEE COMMENT FOR CHARGE"]
    assert see_comment and all(re.match(r"\d", r[C["COMMENT_TEXT"]]) for r in see_comment)
    assert any(CANNABIS.match(r[C["COMMENT_TEXT"]]) for r in see_comment)
    blank_level = [r for r in convictions if r[C["CONV_STAT_DESCR"]] == ""]
    assert blank_level and all(r[C["OFFENSE_TOC"]] in ("F", "M", "I") for r in blank_level)


def test_multi_row_counts_and_multi_count_cases(sample):
    _, rows = sample
    repeats = [
        (first, second) for first, second in zip(rows, rows[1:])
        if (first[C["SUBJECT_ID"]], first[C["CNT_ORDER"]]) == (second[C["SUBJECT_ID"]], second[C["CNT_ORDER"]])
    ]
    assert repeats
    for first, second in repeats:
        assert convicted(first) and convicted(second)
        assert first[C["SENT_LOC_DESCR"]] == "PROBATION" and second[C["SENT_LOC_DESCR"]] == "JAIL"
        assert second[C["SENT_TIME_CODE"]] == "D"
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    case_numbers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        if row[C["STP_TYPE_DESCR"]] == "COURT ACTION":
            key = (row[C["SUBJECT_ID"]], row[C["CNT_ORDER"]][:6])
            cases[key].add(row[C["CNT_ORDER"]])
            case_numbers[key].add(row[C["OFN"]])
    assert sum(len(counts) > 1 for counts in cases.values()) > 100
    assert all(len(numbers) == 1 for numbers in case_numbers.values())


def test_some_sentences_still_run_after_2019(sample):
    _, rows = sample
    running = 0
    for row in rows:
        if convicted(row) and row[C["SENT_LOC_DESCR"]] == "PROBATION" and row[C["SENT_TIME_CODE"]] == "Y":
            start = day(row[C["STP_EVENT_DATE"]])
            if start.year + int(row[C["SENT_LENGTH"]]) >= 2020:
                running += 1
    assert running > 20


def test_names_include_accents_and_non_latin_scripts(sample):
    _, rows = sample
    names = {r[C["PRI_NAME"]] for r in rows}
    accented = [n for n in names if any(0xC0 <= ord(ch) <= 0x24F for ch in n)]
    non_latin = [n for n in names if any(ord(ch) > 0x24F for ch in n)]
    assert accented and non_latin
    assert len(non_latin) < len(accented) < len(names) / 5
    assert any("Ñ" in n for n in accented)


@pytest.mark.parametrize("rows, county", [(-1, "YOLO"), (10, "  ")])
def test_bad_arguments_are_rejected(tmp_path, rows, county):
    with pytest.raises(ValueError):
        write_demo_file(tmp_path / "x.csv", rows, county)
    with pytest.raises(ValueError):
        iter_demo_rows(rows, county)
