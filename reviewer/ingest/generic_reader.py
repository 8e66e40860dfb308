"""Case-management exports (CSV or XLSX) read through a column mapping into a DojExtract.

The result has the same shape as the DOJ reader's, so the same store path applies: one
transaction per file, a repeat file adds nothing, a (person, count) already on file is
kept as it was. The same rules apply too: a file that cannot be read as a whole is
rejected (FileRejected, nothing written); a readable row with a bad value is imported
and flagged, and its conviction goes to review. Problems name the file's own columns.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reviewer.ingest import value_limits as lim
from reviewer.ingest.doj_columns import attach_code_sections, cannabis_read_problems, county_name
from reviewer.ingest.doj_reader import DojExtract
from reviewer.ingest.line_decoding import decode_lines
from reviewer.ingest.mapping import DEFAULT_DATE_FORMATS, Mapping, MappingError, resolve_columns
from reviewer.ingest.open_quote import refuse_open_quote
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.ingest.raw_text import (
    check_not_binary, cr_line_ends_to_lf, first_bad_line, first_line, first_line_fields, line_numbers, parse_string_columns, read_regular_file,
    refuse_special_file, rejection, strip_bom,
)

ZIP_MAGIC = b"PK\x03\x04"
TRUE_WORDS = ["Y", "YES", "TRUE", "1", "DECEASED", "X"]
NULL_DATE = pa.scalar(None, pa.date32())
MAX_SUBJECT = lim.MAX_KEY


def is_workbook(raw: bytes) -> bool:
    return raw[:4] == ZIP_MAGIC


def read_mapped_file(path: str | Path, mapping: Mapping, today: date | None = None) -> DojExtract:
    path = Path(path)
    return read_mapped_bytes(read_regular_file(path), path.name, mapping, today)


def read_mapped_bytes(raw: bytes, name: str, mapping: Mapping, today: date | None = None) -> DojExtract:
    """`today`: dates after it are flagged. A mapping that reads no conviction from the file is refused
    (MappingError), so that it is neither saved nor the file recorded as imported."""
    digest = hashlib.sha256(raw).hexdigest()
    fallback: list[int] = []
    if is_workbook(raw):
        header, columns, lines = _read_workbook(raw, name, mapping)
        encoding = "xlsx"
    else:
        data, encoding, fallback = _decode(raw, name)
        header, columns, lines = _read_csv(data, name, mapping)
    if len(lines) == 0:
        raise FileRejected(name, 1, "no data rows under the header")
    cols = {fld: pc.utf8_trim_whitespace(arr) for fld, arr in columns.items()}
    extract = _extract(cols, np.asarray(lines, dtype=np.int64), header, mapping, name, digest, encoding,
                       today or date.today(), fallback)
    if extract.convictions.num_rows == 0:
        raise MappingError(name, None, _reads_nothing(cols, mapping, len(lines)))
    return extract


def _reads_nothing(cols: dict[str, pa.Array], mapping: Mapping, rows: int) -> str:
    """Why a mapping found no conviction, in terms of the mapping (never a value of the file)."""
    def empty(fld: str) -> bool:
        return fld in cols and pc.all(pc.equal(cols[fld], "")).as_py()

    if all(empty(fld) for fld in cols):
        return f"every mapped column is empty on all {rows} rows: nothing to import"
    for fld in ("person_id", "court_case", "offense"):
        if empty(fld):
            return (f"the column {mapping.columns[fld]!r} (mapped to {fld}) is empty on all {rows} rows: "
                    "the mapping reads no conviction from this file; check the mapping")
    if "disposition" in cols:
        return (f"no row's disposition (column {mapping.columns['disposition']!r}) starts with one of "
                f"{', '.join(mapping.convicted)}: the mapping reads no conviction from this file; set \"convicted\"")
    return f"the mapping reads no conviction from the {rows} rows of this file; check the mapping"


# --- reading ---------------------------------------------------------------------------------

def _decode(raw: bytes, name: str) -> tuple[bytes, str, list[int]]:
    """(UTF-8 bytes, encoding, lines read as Windows-1252 in a mixed file)."""
    check_not_binary(raw, name, "a CSV or XLSX file")
    raw = cr_line_ends_to_lf(strip_bom(raw))
    try:
        raw.decode("utf-8")
        return raw, "utf-8", []
    except UnicodeDecodeError:
        decoded = decode_lines(raw)
        return decoded.data, decoded.encoding, decoded.fallback_lines


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def csv_header(data: bytes) -> tuple[list[str], str]:
    delimiter = sniff_delimiter(first_line(data))
    return first_line_fields(data, delimiter), delimiter


def _read_csv(data: bytes, name: str, mapping: Mapping):
    header, delimiter = csv_header(data)
    if not any(h.strip() for h in header):
        raise FileRejected(name, 1, "the first line must be a header naming the columns")
    where = resolve_columns(mapping, header, name)
    names = [f"c{i}" for i in range(len(header))]
    wanted = sorted(set(where.values()))
    table = parse_string_columns(data, names, [names[i] for i in wanted], 1, delimiter)
    if table is None:
        raise rejection(name, first_bad_line(data, len(header), True, delimiter), f"the header has {len(header)}",
                        header)
    lines = line_numbers(data, table.num_rows, 2)
    if lines is None:
        raise rejection(name, first_bad_line(data, len(header), True, delimiter), f"the header has {len(header)}",
                        header)
    if len(lines):
        refuse_open_quote(data, int(lines[-1]), name, header, delimiter)  # a value running to the end of the file
    columns = {fld: table.column(names[i]).combine_chunks() for fld, i in where.items()}
    return header, columns, lines


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_workbook_rows(raw: bytes, name: str, sheet: str = ""):
    """(sheet names, iterator of (row number, values)) of an XLSX file, read-only."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zip, XML or openpyxl errors all mean the same to the user
        raise FileRejected(name, None, "not a readable Excel workbook (.xlsx)") from None
    names = wb.sheetnames
    if sheet and sheet not in names:
        wb.close()
        raise FileRejected(name, None, f"has no sheet {sheet!r} (sheets: {', '.join(names)})")
    ws = wb[sheet] if sheet else wb.worksheets[0]

    def rows():
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, values
        finally:
            wb.close()

    return names, rows()


def _read_workbook(raw: bytes, name: str, mapping: Mapping):
    _, rows = open_workbook_rows(raw, name, mapping.sheet)
    header: list[str] | None = None
    where: dict[str, int] = {}
    values: dict[str, list[str]] = {}
    lines: list[int] = []
    for number, row in rows:
        texts = [_cell_text(v).strip() for v in row]
        if not any(texts):
            continue
        if header is None:
            header = texts
            where = resolve_columns(mapping, header, name)
            values = {fld: [] for fld in where}
            continue
        width = len(texts)
        for fld, i in where.items():
            values[fld].append(texts[i] if i < width else "")
        lines.append(number)
    if header is None:
        raise FileRejected(name, 1, "the sheet is empty")
    return header, {fld: pa.array(v, pa.string()) for fld, v in values.items()}, lines


# --- column work -------------------------------------------------------------------------------

def _blank(n: int) -> pa.Array:
    return pa.array([""] * n, pa.string())


def _parse_dates(text: pa.Array, mapping: Mapping) -> pa.Array:
    formats = (mapping.date_format,) if mapping.date_format else DEFAULT_DATE_FORMATS
    out = None
    for fmt in formats:
        parsed = pc.cast(pc.strptime(text, format=fmt, unit="s", error_is_null=True), pa.date32())
        out = parsed if out is None else pc.coalesce(out, parsed)
    return out


def _per_distinct(values: pa.Array, fn, typ) -> pa.Array:
    encoded = pc.dictionary_encode(values)
    return pc.take(pa.array([fn(v) for v in encoded.dictionary.to_pylist()], typ), encoded.indices)


def _short_key(limit: int, file_name: bool = False):
    """Keys as they are when short (and, for case keys, which name PDFs, fit for a file name), else a hash."""
    def shorten(text: str) -> str:
        if len(text) <= limit and not (file_name and re.search(lim.UNSAFE_IN_FILE_NAME, text)):
            return text
        return "#" + hashlib.sha1(text.encode("utf-8")).hexdigest()[: limit - 1]
    return shorten


def _unit_letter(text: str) -> str | None:
    word = text.upper()
    if not word:
        return ""
    return word[0] if word[0] in "DMY" and word.rstrip("S") in ("D", "M", "Y", "DAY", "MONTH", "YEAR", "YR", "MO") else None


def _where(mask: pa.Array) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


class _Problems:
    def __init__(self, lines: np.ndarray, header: list[str], where_field) -> None:
        self.lines, self.header, self.where_field = lines, header, where_field
        self.out: list[RowProblem] = []

    def add(self, mask: pa.Array, fld: str, describe, values: pa.Array | None = None) -> None:
        column = self.where_field(fld)
        for i in _where(mask):
            value = values[i].as_py() if values is not None else None
            self.out.append(RowProblem(int(self.lines[i]), column, describe(value)))


def _bound(cols: dict[str, pa.Array], p: "_Problems") -> None:
    """Over-long texts cut to the database's bounds, and flagged (value_limits)."""
    for fld, limit in (("name", lim.MAX_NAME), ("cii", lim.MAX_CII), ("court_case", lim.MAX_COURT_CASE),
                       ("county", lim.MAX_COUNTY), ("offense", lim.MAX_OFFENSE), ("count", lim.MAX_KEY)):
        if fld in cols:
            lengths = pc.utf8_length(cols[fld])
            cols[fld], mask = lim.cut(cols[fld], limit)
            if mask is not None:
                p.add(mask, fld, lim.too_long_text(limit), lengths)


def _extract(cols, lines, header, mapping: Mapping, name, digest, encoding, today: date,
             fallback: list[int]) -> DojExtract:
    n = len(lines)
    where_field = lambda fld: mapping.columns.get(fld) or fld  # noqa: E731 - the user's own column name
    p = _Problems(lines, header, where_field)
    _bound(cols, p)
    get = lambda fld: cols.get(fld, _blank(n))  # noqa: E731
    person = get("person_id")
    ns = mapping.namespace
    subject = pc.binary_join_element_wise(ns, person, ":") if ns else person
    has_subject = pc.and_(pc.not_equal(person, ""), pc.less_equal(pc.utf8_length(subject), MAX_SUBJECT))
    if "disposition" in cols:
        pattern = "^(" + "|".join(re.escape(w) for w in mapping.convicted) + ")"
        is_conv = pc.match_substring_regex(pc.utf8_upper(cols["disposition"]), pattern)
    else:
        is_conv = pa.array(np.ones(n, dtype=bool))
    county = county_name(get("county"))
    if mapping.county:
        county = pc.if_else(pc.equal(county, ""), mapping.county, county)
    disp_text, dob_text = get("disposition_date"), get("dob")
    disp, dob = _parse_dates(disp_text, mapping), _parse_dates(dob_text, mapping)
    words = mapping.level_words()
    level = _per_distinct(pc.utf8_upper(get("level")), lambda v: words.get(v), pa.string())
    length_text = get("sentence_length")
    length_ok = pc.match_substring_regex(length_text, r"^\d{1,5}$")
    unit = _per_distinct(get("sentence_unit"), _unit_letter, pa.string())
    length = pc.cast(pc.if_else(length_ok, length_text, "0"), pa.int64()).to_numpy()
    unit_np = pc.fill_null(unit, "").to_numpy(zero_copy_only=False)
    has_sentence = pc.and_(length_ok, pc.is_in(unit, pa.array(["D", "M", "Y"])))
    sent_days = np.where(unit_np == "D", length, 0)
    sent_months = np.where(unit_np == "M", length, 0) + np.where(unit_np == "Y", length * 12, 0)
    too_long = lim.sentence_too_long(sent_months, sent_days)  # would end past the calendar's last year
    sent_days, sent_months = np.where(too_long, 0, sent_days), np.where(too_long, lim.MAX_SENTENCE_MONTHS, sent_months)
    case = get("court_case")

    conv = pc.and_(is_conv, has_subject)
    p.add(pc.and_(conv, pc.is_null(disp)), "disposition_date",
          lambda v: f"{v!r} is not a date (expected {mapping.date_format or 'YYYY-MM-DD or MM/DD/YYYY'})" if v else "date missing",
          disp_text)
    p.add(pc.and_(conv, pc.and_(pc.is_null(dob), pc.not_equal(dob_text, ""))), "dob", lambda v: "not a date")
    p.add(pc.and_(conv, lim.after(dob, disp)), "dob", lambda v: lim.DOB_AFTER_CONVICTION)
    p.add(pc.and_(conv, lim.after_day(dob, today)), "dob", lambda v: lim.DOB_IN_FUTURE)
    p.add(pc.and_(conv, lim.after_day(disp, today)), "disposition_date", lambda v: f"{v!r} is in the future", disp_text)
    p.add(pc.and_(conv, pa.array(too_long)), "sentence_length", lambda v: f"{v!r} is {lim.SENTENCE_CAPPED}", length_text)
    for line in fallback:
        p.out.append(RowProblem(line, "encoding", "not UTF-8 like the rest of the file: read as Windows-1252, check the names"))
    p.add(pc.and_(conv, pc.is_null(level)), "level",
          lambda v: f"unknown level {v!r} (expected felony, misdemeanor or infraction)" if v else "level missing", get("level"))
    p.add(pc.and_(conv, pc.and_(pc.invert(length_ok), pc.not_equal(length_text, ""))), "sentence_length",
          lambda v: f"{v!r} is not a number", length_text)
    p.add(pc.and_(conv, pc.and_(length_ok, pc.is_null(unit))), "sentence_unit",
          lambda v: f"unknown unit {v!r} (expected D, M or Y)", get("sentence_unit"))
    p.add(pc.and_(conv, pc.equal(case, "")), "court_case", lambda v: "court case number missing")
    p.add(pc.and_(conv, pc.equal(county, "")), "county", lambda v: "county missing")
    unread = cannabis_read_problems(get("offense"))  # names HS 11357-11360 but cannot be read: flagged, kept
    p.add(pc.and_(conv, pc.is_valid(unread)), "offense", lambda v: v, unread)
    p.add(pc.equal(person, ""), "person_id", lambda v: "missing: row skipped (no person to attach it to)")
    p.add(pc.and_(pc.not_equal(person, ""), pc.invert(has_subject)), "person_id",
          lambda v: f"{v!r} is too long for a person id: row skipped", person)
    problems = sorted(p.out, key=lambda x: x.line)

    count_key = _count_keys(subject, case, get("count"), get("offense"), disp_text)
    rows = pa.table({
        "subject_id": subject, "count_order": count_key,
        "case_key": _per_distinct(case, _short_key(20, file_name=True), pa.string()), "court_case": case,
        "county": county, "disposition_date": disp, "offense_text": get("offense"), "level": level,
        "sent_days": pa.array(sent_days), "sent_months": pa.array(sent_months), "has_sentence": has_sentence,
        "line": pa.array(lines), "cii": get("cii"), "name": get("name"), "dob": dob,
        "deceased": pc.is_in(pc.utf8_upper(get("deceased")), pa.array(TRUE_WORDS)),
    })
    persons = _persons(rows.filter(has_subject))
    convictions = _convictions(rows.filter(conv), problems, name)
    return DojExtract(name, digest, encoding, n, persons, convictions, problems)


def _count_keys(subject, case, count, offense, disp_text) -> pa.Array:
    """(case, count) identifies a conviction; without a count, (case, offense, date) and its occurrence."""
    base = pc.if_else(pc.not_equal(count, ""), count, pc.binary_join_element_wise(offense, disp_text, "|"))
    key = pc.binary_join_element_wise(case, base, "#")
    codes = pc.dictionary_encode(pc.binary_join_element_wise(subject, key, "\x1f")).indices.to_numpy()
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    start = np.ones(len(codes), dtype=bool)
    start[1:] = sorted_codes[1:] != sorted_codes[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(codes)), 0))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - first + 1
    has_count = pc.not_equal(count, "").to_numpy(zero_copy_only=False)
    suffix = np.where((rank > 1) & ~has_count, np.char.add("#", rank.astype(str)), "")
    keyed = pc.binary_join_element_wise(key, pa.array(suffix, pa.string()), "")
    return _per_distinct(keyed, _short_key(40), pa.string())


def _persons(t: pa.Table) -> pa.Table:
    g = t.group_by("subject_id", use_threads=False).aggregate(
        [("cii", "first"), ("name", "first"), ("dob", "first"), ("deceased", "any"), ("line", "min")]
    )
    n = g.num_rows
    return pa.table({
        "subject_id": g.column("subject_id"), "cii": g.column("cii_first"), "name": g.column("name_first"),
        "dob": g.column("dob_first"), "deceased": g.column("deceased_any"),
        "pc290_registration": pa.array(np.zeros(n, dtype=bool)), "registration_date": pa.nulls(n, pa.date32()),
        "line": g.column("line_min"),  # the person's first line: where a problem with the person is shown
    })


def _convictions(t: pa.Table, problems: list[RowProblem], name: str) -> pa.Table:
    firsts = ("case_key", "court_case", "county", "disposition_date", "offense_text", "level", "line")
    g = t.group_by(["subject_id", "count_order"], use_threads=False).aggregate(
        [(c, "first") for c in firsts] + [("sent_days", "sum"), ("sent_months", "sum"), ("has_sentence", "any")]
    )
    g = g.rename_columns([c.rsplit("_", 1)[0] if c.endswith(("_first", "_sum", "_any")) else c for c in g.column_names])
    g = attach_code_sections(g)
    g = g.append_column("sentence_end", _sentence_end(g))
    g = g.append_column("issues", _issues(g, problems, name))
    n = g.num_rows  # a case export has no arrest cycles nor sentence locations
    g = g.append_column("offense_date", pa.nulls(n, pa.date32())).append_column("cycle_age", pa.nulls(n, pa.int32()))
    g = g.append_column("sentence_kind", pa.array([""] * n, pa.string()))
    g = g.append_column("cannabis_arrest", pa.nulls(n, pa.string()))
    return g.sort_by("line")


def _sentence_end(g: pa.Table) -> pa.Array:
    """Disposition date plus the summed sentence parts (calendar months, then days), as for DOJ files."""
    disp = g.column("disposition_date").combine_chunks()
    valid = pc.and_(pc.is_valid(disp), g.column("has_sentence").combine_chunks())
    start = pc.fill_null(disp, pa.scalar(0, pa.int32()).cast(pa.date32())).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    month_start = start.astype("datetime64[M]")
    months = np.minimum(g.column("sent_months").to_numpy(), lim.MAX_SENTENCE_MONTHS).astype("timedelta64[M]")
    days = g.column("sent_days").to_numpy().astype("timedelta64[D]")
    end = (month_start + months).astype("datetime64[D]") + (start - month_start.astype("datetime64[D]")) + days
    return pc.if_else(valid, pa.array(end, pa.date32()), NULL_DATE)


def _issues(g: pa.Table, problems: list[RowProblem], name: str) -> pa.Array:
    if not problems:
        return pa.nulls(g.num_rows, pa.string())
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.describe(name))
    lines = pa.array(sorted(by_line), pa.int64())
    texts = pa.array(["; ".join(by_line[line]) for line in lines.to_pylist()], pa.string())
    return pc.take(texts, pc.index_in(g.column("line"), value_set=lines))


# --- preview (the import wizard's mapping step) ---------------------------------------------

def preview_file(path: str | Path, sheet: str = "", rows: int = 10) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, first rows, sheet names) without reading the whole file."""
    path = Path(path)
    refuse_special_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise FileRejected(path.name, None, f"cannot be read ({exc.strerror})") from None
    if head == ZIP_MAGIC:
        names, it = open_workbook_rows(path.read_bytes(), path.name, sheet)
        out: list[list[str]] = []
        header: list[str] | None = None
        for _, row in it:
            texts = [_cell_text(v).strip() for v in row]
            if not any(texts):
                continue
            if header is None:
                header = texts
            else:
                out.append(texts)
            if len(out) >= rows:
                it.close()
                break
        return header or [], out, names
    with open(path, "rb") as fh:
        data, _, _ = _decode(fh.read(1 << 20), path.name)
    text = data.decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(first_line(data))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    out = []
    try:
        header = next(reader, [])
        for fields in reader:
            if fields:
                out.append(fields)
            if len(out) >= rows:
                break
    except csv.Error as exc:
        raise FileRejected(path.name, reader.line_num or 1, _preview_problem(str(exc))) from None
    return header, out, []


def _preview_problem(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a field longer than {csv.field_size_limit():,} characters"
    return "not readable as CSV (a line break inside a field that is not quoted?)"
