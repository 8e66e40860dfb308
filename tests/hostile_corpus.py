"""Hostile input files, generated (nothing large is committed), each with the answer Reviewer must give.

    python -m tests.hostile_corpus OUT_DIR     # writes the files and prints each one's expected answer

An answer is either a rejection (exit 2, the message names the file, and the line where there is one)
or an import with exactly these flagged (line, field) pairs. Special files (FIFO, socket, device,
folder) are made by `special_files` where the platform has them.
"""
from __future__ import annotations

import csv
import io
import os
import random
import socket
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.doj_rows import INDEX, conviction, row, text

COUNTY = "SACRAMENTO"


@dataclass(frozen=True)
class Expect:
    name: str
    rejected: bool
    line: int | None = None  # the line a rejection names (None: the file as a whole)
    says: str = ""  # part of the rejection message
    flagged: frozenset[tuple[int, str]] = field(default_factory=frozenset)  # (line, field) of an import
    mapping: bool = False  # imported as a case export with MAPPING


def _rows(n: int = 5, first_subject: int = 100) -> list[list[str]]:
    return [conviction(SUBJECT_ID=str(first_subject + i), CNT_ORDER=f"10{i}001001000", OFN=f"SC{i}") for i in range(1, n + 1)]


def _good(rows=None, header: bool = True) -> bytes:
    return text(rows or _rows(), header).encode()


def _set(rows, i: int, **fields: str):
    rows = [list(r) for r in rows]
    for name, value in fields.items():
        rows[i][INDEX[name]] = value
    return rows


def _doj_files() -> dict[str, tuple[bytes, Expect]]:
    out: dict[str, tuple[bytes, Expect]] = {}

    def add(name: str, data: bytes, **expect) -> None:
        out[name] = (data, Expect(name, **expect))

    good = _good()
    add("good.csv", good, rejected=False)
    add("crlf.csv", good.replace(b"\n", b"\r\n"), rejected=False)
    add("cr_only.csv", good.replace(b"\n", b"\r"), rejected=False)
    lines = good.split(b"\n")
    lines[3] = lines[3].replace(b"SACRAMENTO", b"SACRA\rMENTO")
    add("lone_cr.csv", b"\n".join(lines), rejected=True, line=4, says="carriage return (CR)")
    ends = [i for i, b in enumerate(good) if b == 10]
    add("lone_cr_between_rows.csv", good[:ends[2]] + b"\r" + good[ends[2] + 1:], rejected=True, line=3,
        says="carriage return (CR)")  # every row whole: the parser counts one row more than the line feeds
    add("bom.csv", b"\xef\xbb\xbf" + good, rejected=False)
    add("bom_no_header.csv", b"\xef\xbb\xbf" + _good(header=False), rejected=False)
    add("long_name.csv", _good(_set(_rows(), 1, PRI_NAME="X" * 200_000)), rejected=False,
        flagged=frozenset({(3, "PRI_NAME")}))
    add("field_over_csv_limit_then_short_row.csv",
        _good(_set(_rows(), 1, COMMENT_TEXT="Y" * 300_000)).replace(b",SC4,", b",SC4,,,", 1),
        rejected=True, line=5, says="97 fields, expected 95")
    rnd = random.Random(15)
    add("binary_no_nul.bin", bytes(rnd.choice(range(1, 256)) for _ in range(20_000)), rejected=True, line=1,
        says="binary content")
    add("png_with_nul.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), rejected=True, says="NUL byte")
    add("workbook.xlsx", _zip(), rejected=True, line=1, says="ZIP archive or Excel workbook")
    short = _set(_rows(), 2, PRI_NAME="MU\u00d1OZ,JOS\u00c9")
    short[2] = short[2][:-3]
    add("short_row_not_utf8.csv", text(short[:2], True).encode() + text(short[2:3]).encode("cp1252")
        + text(short[3:]).encode(), rejected=True, line=4, says="92 fields, expected 95")
    multi = _set(_set(_rows(), 1, COMMENT_TEXT="first line\nsecond line\nthird line"), 2, STP_EVENT_DATE="20191345")
    add("quoted_line_breaks.csv", _good(multi), rejected=False, flagged=frozenset({(6, "STP_EVENT_DATE")}))
    mixed = _set(_set(_rows(), 1, PRI_NAME="GARC\u00cdA,ANA"), 3, PRI_NAME="MU\u00d1OZ,JOS\u00c9")
    add("mixed_encoding.csv", text(mixed[:3], True).encode() + text(mixed[3:]).encode("cp1252"), rejected=False,
        flagged=frozenset({(5, "encoding")}))
    add("windows_1252.csv", _good(mixed).decode().encode("cp1252"), rejected=False)
    add("all_empty.csv", ("," * 94 + "\n").encode() * 40, rejected=True, says="no row has a SUBJECT_ID")
    add("empty.csv", b"", rejected=True, line=1, says="the file is empty")
    add("blank_lines.csv", b"  \n\r\n\n", rejected=True, line=1, says="the file is empty")
    add("header_only.csv", text([], True).encode(), rejected=True, line=1, says="no data rows")
    add("not_doj.csv", b"name,dob\nJANE,1970\n", rejected=True, line=1, says="2 fields, expected 95")
    add("unbalanced_quote.csv", good.replace(b'"DOE,JANE"', b'"DOE,JANE', 1), rejected=True)
    add("quote_never_closed_at_end.csv", good.removesuffix(b"\n") + b'"ABC', rejected=True, line=6,
        says="field END_OF_REC: a quoted value is never closed")
    add("quote_never_closed_in_comment.csv", good.removesuffix(b",\n") + b'"ABC,\n', rejected=True, line=6,
        says="field COMMENT_TEXT: a quoted value is never closed")
    add("long_first_value_no_header.csv", _good(_set(_rows(), 0, OFFENSE_DESCR="X" * 200_000), header=False),
        rejected=False, flagged=frozenset({(1, "OFFENSE_DESCR")}))
    poison = _set(_set(_set(_set(_set(_rows(6, 200), 0, SENT_LENGTH="99999", SENT_TIME_CODE="Y"), 1, CNT_ORDER="1/2001001000"),
                            2, PRI_DOB="20990101"), 3, PRI_DOB="20150101"), 4, STP_EVENT_DATE="20990101")
    add("poison_values.csv", _good(poison), rejected=False, flagged=frozenset({
        (2, "SENT_LENGTH"), (3, "CNT_ORDER"), (4, "PRI_DOB"), (5, "PRI_DOB"), (6, "STP_EVENT_DATE"),
        }))
    add("long_subject_id.csv", _good(_set(_rows(), 0, SUBJECT_ID="9" * 41)), rejected=False,
        flagged=frozenset({(2, "SUBJECT_ID")}))
    add("only_arrest_rows_no_subject.csv", text([row(SUBJECT_ID="", STP_TYPE_DESCR="ARREST")] * 3).encode(),
        rejected=True, says="no row has a SUBJECT_ID")
    return out


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


MAPPING = {"reviewer_mapping": 1, "source": "Hostile CMS", "county": COUNTY,
           "columns": {"person_id": "Person", "court_case": "Case", "offense": "Charge", "level": "Level",
                       "disposition_date": "Date", "disposition": "Disposition", "name": "Name", "dob": "DOB"}}
CASE_HEADER = ["Person", "Case", "Charge", "Level", "Date", "Disposition", "Name", "DOB"]


def _case_csv(rows: list[list[str]], header: bool = True) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(CASE_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode()


def _case_files() -> dict[str, tuple[bytes, Expect]]:
    out: dict[str, tuple[bytes, Expect]] = {}

    def add(name: str, data: bytes, **expect) -> None:
        out[name] = (data, Expect(name, mapping=True, **expect))

    good = [["P1", "SC-1", "11359 HS", "F", "2010-01-05", "CONVICTED", "DOE,JANE", "1970-01-01"],
            ["P2", "SC/2", "11357(a) HS", "M", "2011-02-06", "CONVICTED", "ROE,RICHARD", "1971-02-02"]]
    add("case_good.csv", _case_csv(good), rejected=False)
    add("case_lone_cr_between_rows.csv", _case_csv(good).replace(b"\n", b"\r", 2).replace(b"\r", b"\n", 1),
        rejected=True, line=2, says="carriage return (CR)")
    add("case_reads_nothing.csv", _case_csv([r[:5] + ["DISMISSED"] + r[6:] for r in good]), rejected=True,
        says="the mapping reads no conviction")
    add("case_all_empty.csv", _case_csv([[""] * 8] * 20), rejected=True, says="every mapped column is empty")
    add("case_no_header.csv", _case_csv(good, header=False), rejected=True, line=1, says="looks like a data row")
    add("case_quote_never_closed.csv", _case_csv(good).removesuffix(b"1971-02-02\n") + b'"1971', rejected=True,
        line=3, says="field DOB: a quoted value is never closed")
    poison = [["P3", "SC-3", "11359 HS", "F", "2099-01-01", "CONVICTED", "N" * 5000, "2100-01-01"]]
    add("case_poison.csv", _case_csv(good + poison), rejected=False,
        flagged=frozenset({(4, "Date"), (4, "Name"), (4, "DOB")}))
    return out


def corpus() -> dict[str, tuple[bytes, Expect]]:
    return {**_doj_files(), **_case_files()}


def write_corpus(folder: Path) -> list[Expect]:
    folder.mkdir(parents=True, exist_ok=True)
    expects = []
    for name, (data, expect) in corpus().items():
        (folder / name).write_bytes(data)
        expects.append(expect)
    return expects


def special_files(folder: Path) -> tuple[list[Expect], list]:
    """A FIFO, a listening socket, a device and a folder, where this platform has them: (expects, handles to
    keep open while they are used)."""
    expects, keep = [Expect("a_folder", True, says="is a folder")], []
    (folder / "a_folder").mkdir(exist_ok=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.csv")
        expects.append(Expect("fifo.csv", True, says="named pipe (FIFO)"))
    if hasattr(socket, "AF_UNIX"):
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "socket.csv"))
        sock.listen(1)
        keep.append(sock)
        expects.append(Expect("socket.csv", True, says="a socket"))
    if Path("/dev/zero").exists():
        os.symlink("/dev/zero", folder / "zero.csv")
        expects.append(Expect("zero.csv", True, says="a device"))
    return expects, keep


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for e in write_corpus(target):
        answer = f"rejected (line {e.line}): {e.says}" if e.rejected else f"imported, flagged {sorted(e.flagged)}"
        print(f"{e.name}: {answer}")
