"""Fuzzing the readers: whatever the bytes, the answer is an extract or FileRejected, never another error.

Files start from a valid DOJ research file or case export and are mutated the ways hostile files
differ (line ends, quotes, NUL and high bytes, a BOM, cut rows, random bytes spliced in), or are
random bytes outright. Every extract keeps within the bounds the store relies on.
"""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, event, given, settings, strategies as st

from reviewer.ingest.doj_reader import read_doj_bytes
from reviewer.ingest.generic_reader import read_mapped_bytes
from reviewer.ingest.mapping import mapping_from_dict
from reviewer.ingest.problems import FileRejected
from reviewer.ingest.value_limits import MAX_KEY, MAX_NAME
from tests.doj_rows import conviction, row, text
from tests.hostile_corpus import CASE_HEADER, MAPPING, _case_csv

TODAY = date(2020, 1, 1)
NASTY = [b"\r", b"\n", b"\r\n", b'"', b",", b";", b"\x00", b"\xff", b"\xe9", b"\xc3", b"\xef\xbb\xbf", b"\x1a",
         b"\x0b", b"/", b"99999", b"\xe2\x80\xa8", b"  "]
FUZZ = settings(max_examples=1500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

text_values = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def doj_files(draw) -> bytes:
    rows = []
    for i in range(draw(st.integers(0, 6))):
        maker = draw(st.sampled_from([conviction, row]))
        fields = {"SUBJECT_ID": draw(st.sampled_from(["100", "101", "", "1" * 45])),
                  "CNT_ORDER": draw(st.sampled_from([f"10{i}001001000", "1/2", "", "101001001000"])),
                  "PRI_DOB": draw(st.sampled_from(["19700101", "20990101", "", "1970", "00000000"])),
                  "SENT_LENGTH": draw(st.sampled_from(["", "3", "99999", "LIFE"])),
                  "SENT_TIME_CODE": draw(st.sampled_from(["", "Y", "D", "Q"])),
                  "PRI_NAME": draw(text_values)}
        rows.append(maker(**fields))
    return text(rows, draw(st.booleans())).encode()


def case_files() -> st.SearchStrategy[bytes]:
    """Rows of the MAPPING's columns: Person, Case, Charge, Level, Date, Disposition, Name, DOB."""
    cells = [st.sampled_from(["P1", "P2", "", "P" * 45]), st.sampled_from(["SC-1", "SC/2", "", "C" * 300]),
             st.sampled_from(["11359 HS", "11357(a) HS", "11359 XX", ""]), st.sampled_from(["F", "M", "FEL", "?"]),
             st.sampled_from(["2010-01-05", "2099-01-01", "01/05/2010", "x"]),
             st.sampled_from(["CONVICTED", "CONVICTED", "CONVICTED", "DISMISSED", ""]), text_values,
             st.sampled_from(["1970-01-01", "2100-01-01", "", "1970"])]
    rows = st.lists(st.tuples(*cells).map(list), max_size=6)
    return st.builds(_case_csv, rows, st.sampled_from([True, True, True, False]))


@st.composite
def mutated(draw, files) -> bytes:
    data = bytearray(draw(files))
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "replace", "cut", "splice"]))
        if action == "insert":
            data[where:where] = draw(st.sampled_from(NASTY))
        elif action == "replace" and where < len(data):
            data[where:where + 1] = draw(st.sampled_from(NASTY))
        elif action == "cut":
            del data[where:where + draw(st.integers(1, 200))]
        else:
            data[where:where] = draw(st.binary(max_size=40))
    return bytes(data)


def any_bytes(files) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(files), st.binary(max_size=400))


def check_extract(extract) -> None:
    assert extract.rows > 0 and extract.convictions.num_rows >= 0
    assert all(len(n or "") <= MAX_NAME for n in extract.persons.column("name").to_pylist())
    assert all(len(s) <= MAX_KEY for s in extract.persons.column("subject_id").to_pylist())
    assert all(p.line >= 1 for p in extract.problems)


@FUZZ
@given(any_bytes(doj_files()))
def test_doj_reader_answers_every_file(data):
    try:
        extract = read_doj_bytes(data, "fuzz.csv", TODAY)
    except FileRejected as exc:
        assert str(exc).startswith("fuzz.csv: ")
        event("rejected")
        return
    event("read")
    check_extract(extract)


@FUZZ
@given(any_bytes(case_files()))
def test_case_export_reader_answers_every_file(data):
    try:
        extract = read_mapped_bytes(data, "fuzz.csv", mapping_from_dict(MAPPING), TODAY)
    except FileRejected as exc:
        assert str(exc).startswith("fuzz.csv: ")
        event("rejected")
        return
    event("read")
    check_extract(extract)
