"""A quoted value that is never closed, so that it runs to the end of the file, is refused by name (file,
line where the quote opens, field) through `reviewer import`, and nothing is written; a quoted value that
is closed, line breaks and all, on the file's last line still imports."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from reviewer.ingest.open_quote import may_end_inside_quotes, open_quote
from reviewer.ingest.synthetic import write_demo_file
from tests.doj_rows import conviction, text

ROOT = Path(__file__).resolve().parents[1]
LAST = 1501  # the last line of a 1,500-row demo file with its header
NEVER_CLOSED = "a quoted value is never closed"


def reviewer_import(db: Path, *files: Path) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("REVIEWER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "reviewer", "import", *map(str, files), "--db", str(db)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def stored_rows(db: Path, tables=("person", "conviction", "import_batch", "import_source", "audit_log")) -> int:
    """Rows an import writes, on file (0 for a database never created)."""
    if not db.exists():
        return 0
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        total = sum(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in tables)
    engine.dispose()
    return total


def rejections(done: subprocess.CompletedProcess) -> dict[str, str]:
    """file name -> what its rejection says after the file's name."""
    out = {}
    for line in done.stderr.splitlines():
        assert line.startswith("rejected: "), f"unexpected stderr line: {line!r}"
        name, _, message = line.removeprefix("rejected: ").partition(": ")
        out[name] = message
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> bytes:
    """A generated file (its last line is an arrest row ending in empty COMMENT_TEXT and END_OF_REC)."""
    path = tmp_path_factory.mktemp("demo") / "demo.csv"
    write_demo_file(path, 1500, "LOS ANGELES", seed=4)
    data = path.read_bytes()
    assert data.endswith(b",,\n") and data.count(b"\n") == LAST
    return data


def _small_without_quotes() -> bytes:
    """A file whose only quote is the one that opens at line 4 (nothing later closes it)."""
    rows = [conviction(SUBJECT_ID=str(100 + i), PRI_NAME="DOE JANE", CNT_ORDER=f"10{i}001001000") for i in range(1, 8)]
    lines = text(rows, True).encode().split(b"\n")
    lines[3] += b'"ABC'
    return b"\n".join(lines)


def _hostile(demo: bytes) -> dict[str, tuple[bytes, str]]:
    """file name -> (its bytes, what its rejection must say)."""
    body = demo.removesuffix(b"\n")
    return {
        "tail_open_last_field.csv": (body + b'"ABC\n', f"line {LAST}: field END_OF_REC: {NEVER_CLOSED}"),
        "tail_open_no_line_feed.csv": (body + b'"ABC', f"line {LAST}: field END_OF_REC: {NEVER_CLOSED}"),
        "tail_open_escaped_quote.csv": (body + b'"AB""C', f"line {LAST}: field END_OF_REC: {NEVER_CLOSED}"),
        "tail_open_comment.csv": (body[:-1] + b'"ABC,\n', f"line {LAST}: field COMMENT_TEXT: {NEVER_CLOSED}"),
        "tail_open_crlf.csv": (body.replace(b"\n", b"\r\n") + b'"ABC\r\n',
                               f"line {LAST}: field END_OF_REC: {NEVER_CLOSED}"),
        "open_to_end_of_file.csv": (_small_without_quotes(), f"line 4: field END_OF_REC: {NEVER_CLOSED}"),
    }


def test_a_quote_never_closed_at_the_end_is_refused_by_line_and_field(demo, tmp_path):
    files = _hostile(demo)
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    db = tmp_path / "reviewer.db"
    done = reviewer_import(db, *(tmp_path / name for name in files))
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout
    said = rejections(done)
    for name, (_, expected) in files.items():
        assert said.get(name, "").startswith(expected), f"{name}: {said.get(name)!r}"
        assert "ABC" not in said[name] and '"AB' not in said[name]  # no value echoed
    assert stored_rows(db) == 0


def test_quoted_values_closed_on_the_last_line_still_import(demo, tmp_path):
    body = demo.removesuffix(b"\n")
    files = {
        "tail_line_break_closed.csv": body[:-1] + b'"ABC\nDEF",\n',
        "tail_line_break_closed_no_line_feed.csv": body[:-1] + b'"ABC\nDEF",',
        "tail_quoted_closed.csv": body + b'"X"',
        "tail_quote_inside_unquoted.csv": body + b'5\'10"\n',  # a quote inside an unquoted value is a character
        "tail_blank_lines.csv": body[:-1] + b'"ABC\nDEF",\n\n\n',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    db = tmp_path / "reviewer.db"
    done = reviewer_import(db, *(tmp_path / name for name in files))
    assert done.returncode == 0, done.stderr
    imported = {line.partition(": ")[0] for line in done.stdout.splitlines() if ": 1500 rows, " in line}
    assert imported == set(files), done.stdout
    assert stored_rows(db, ("import_batch",)) == len(files)


_values = st.text(alphabet='ab ,"\n\r', max_size=8)
_records = st.lists(st.lists(_values, min_size=1, max_size=5), min_size=1, max_size=5)


def _written(records) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return buffer.getvalue()


@given(_records, st.booleans())
def test_records_written_by_csv_end_outside_quotes(records, final_line_feed):
    text = _written(records)
    assert open_quote(text if final_line_feed else text.removesuffix("\n")) is None


@given(_records, st.text(alphabet="ab ,\n\r", max_size=8), st.booleans())
def test_a_quote_opened_after_the_last_record_is_found_where_it_opens(records, rest, escaped):
    """As Python's csv reads it (strict: it says where the data ends inside quotes)."""
    head = _written(records).removesuffix("\n")
    text = f'{head},"{rest}' + ('""' if escaped else "")
    found = open_quote(text)
    assert found is not None
    assert (found.line_feeds, found.field) == (head.count("\n"), len(records[-1]))
    with pytest.raises(csv.Error, match="unexpected end of data"):
        list(csv.reader(io.StringIO(text, newline=""), strict=True))


@given(st.text(alphabet='a,"\n', max_size=30))
def test_open_quote_reads_any_text_as_python_csv_does(text):
    """Open at the end exactly where Python's csv takes a line feed and what follows into a value; and never
    where the quick look at the last quotes says the text ends outside quotes."""
    rows = list(csv.reader(io.StringIO(text + "\n\x01", newline="")))
    found = open_quote(text)
    assert (rows[-1] != ["\x01"]) == (found is not None)
    assert found is None or may_end_inside_quotes(text.encode())
