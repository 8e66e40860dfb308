"""A file on disk is read once, in segments of whole lines, hashed and compressed as the parser takes them
(no copy of the whole file in memory), and gives exactly what reading the whole file gives: the same
persons, convictions, flagged rows, checksum and kept copy, or the same rejection naming the same line
(issue 14, "stream the file"). Every hostile file of the corpus is read both ways, and again cut into
segments of a few hundred bytes, so that each boundary (a line carried over, a line longer than a
segment, a BOM, a last line without its line feed) falls somewhere."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from reviewer.ingest import file_blocks
from reviewer.ingest.doj_reader import read_doj_bytes, read_doj_file
from reviewer.ingest.kept_file import KeptStream, decompress
from reviewer.ingest.problems import FileRejected
from reviewer.ingest.synthetic import write_demo_file
from tests.doj_rows import conviction, text
from tests.hostile_corpus import corpus
from tests.test_reader_fuzz import any_bytes, doj_files

TODAY = date(2024, 1, 1)


def _both(path):
    """(answer of the block path, answer of the whole-file path): an extract or the rejection's text."""
    answers = []
    for read in (lambda: read_doj_file(path, TODAY), lambda: read_doj_bytes(path.read_bytes(), path.name, TODAY)):
        try:
            answers.append(read())
        except FileRejected as rejected:
            answers.append(str(rejected))
    return answers


def _same(streamed, whole, raw: bytes) -> None:
    if isinstance(whole, str):
        assert streamed == whole
        return
    assert (streamed.source_file, streamed.sha256, streamed.encoding, streamed.rows) == \
           (whole.source_file, whole.sha256, whole.encoding, whole.rows)
    assert streamed.persons.equals(whole.persons)
    assert streamed.convictions.equals(whole.convictions)
    assert streamed.problems == whole.problems
    kept = streamed.kept
    assert decompress(kept.compressed(), kept.codec, kept.raw_size) == raw


def _extra_files() -> dict[str, bytes]:
    rows = [conviction(SUBJECT_ID=str(300 + i), CNT_ORDER=f"10{i}001001000", OFN=f"SC{i}") for i in range(1, 6)]
    good = text(rows, True).encode()
    middle = good.index(b"\n", len(good) // 2) + 1
    return {
        "trailing_blank_lines.csv": good + b"\n\n",
        "no_final_line_feed.csv": good.rstrip(b"\n"),
        "nul_after_the_first_block.csv": good + b"," * 94 + b"\n" + b" " * 70_000 + b"\x00\n",
        "bad_header_then_nul.csv": good.replace(b"RECORD_ID", b"RECORD_ONE", 1) + b"\x00",
        "blank_line_in_the_middle.csv": good[:middle] + b"\n" + good[middle:],
    }


CASES = {name: data for name, (data, expect) in corpus().items() if not expect.mapping} | _extra_files()


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_path_answers_as_the_whole_file_does(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CASES[name])
    streamed, whole = _both(path)
    _same(streamed, whole, CASES[name])


@pytest.mark.parametrize("segment", [97, 700, 5000])
@pytest.mark.parametrize("name", sorted(CASES))
def test_small_segments_answer_as_the_whole_file_does(tmp_path, monkeypatch, name, segment):
    monkeypatch.setattr(file_blocks, "SEGMENT", segment)
    monkeypatch.setattr(file_blocks, "_TAIL", 64)
    path = tmp_path / name
    path.write_bytes(CASES[name])
    streamed, whole = _both(path)
    _same(streamed, whole, CASES[name])
    if name in PLAIN:
        assert isinstance(streamed.kept, KeptStream)  # (read in segments, not by the whole-file path)


PLAIN = ["good.csv", "crlf.csv", "bom.csv", "bom_no_header.csv", "long_name.csv", "no_final_line_feed.csv"]


@pytest.mark.parametrize("name", ["good.csv", "crlf.csv", "bom.csv", "bom_no_header.csv", "long_name.csv",
                                  "no_final_line_feed.csv"])
def test_plain_files_are_read_once_in_blocks(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CASES[name])
    assert isinstance(read_doj_file(path, TODAY).kept, KeptStream)


def test_a_file_of_many_segments(tmp_path, monkeypatch):
    """80,000 rows (about 19 MB: two segments, and then 19 of 1 MB; three compressed frames), a NUL-free
    UTF-8 file: the segment path, same answers."""
    path = tmp_path / "many-blocks.csv"
    write_demo_file(path, 80_000, "Los Angeles", seed=3)
    streamed, whole = _both(path)
    assert isinstance(streamed.kept, KeptStream) and streamed.kept.raw_size == path.stat().st_size > file_blocks.SEGMENT
    _same(streamed, whole, path.read_bytes())
    monkeypatch.setattr(file_blocks, "SEGMENT", 1 << 20)
    again = read_doj_file(path, TODAY)
    assert isinstance(again.kept, KeptStream)
    _same(again, whole, path.read_bytes())


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(any_bytes(doj_files()))
def test_any_bytes_answer_alike_both_ways(tmp_path, data):
    """Fuzzed files (tests/test_reader_fuzz.py's mutations): the block path answers as the whole-file path."""
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    streamed, whole = _both(path)
    _same(streamed, whole, data)


def test_a_file_changed_while_it_is_imported_is_refused_when_its_copy_is_kept(tmp_path):
    """The kept copy is compressed from a second read of the file, behind the parse: what it read must be
    what the parser read (the same SHA-256), else the import is refused rather than keep another file."""
    path = tmp_path / "changing.csv"
    path.write_bytes(b"what the parser read\n")
    keep = KeptStream(path)
    path.write_bytes(b"what is there later!\n")  # the same size, other bytes
    keep.add(b"what the parser read\n")
    keep.finish()
    with pytest.raises(FileRejected, match="changed while it was imported"):
        keep.compressed()


def test_a_kept_copy_is_compressed_as_the_parser_took_the_blocks(tmp_path):
    path = tmp_path / "blocks.csv"
    data = bytes(range(256)) * 1000
    path.write_bytes(data)
    keep = KeptStream(path)
    for start in range(0, len(data), 100_000):
        keep.add(data[start : start + 100_000])
    keep.finish()
    assert decompress(keep.compressed(), keep.codec, keep.raw_size) == data and keep.raw_size == len(data)
