"""Read a DOJ research file into column tables of persons and convictions.

The hot path is columnar (pyarrow, two threads): no Python work per row. Python runs
only per *distinct* offense text and level pair, and per flagged row.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from reviewer.domain.code_section import CANNABIS_SECTIONS, parse_code_section
from reviewer.ingest.doj_format import DOJ_COLUMNS, FIELD_COUNT, LEVEL_CODES, LEVEL_WORDS, USED_COLUMNS
from reviewer.ingest.problems import FileRejected, RowProblem
from reviewer.ingest.raw_text import check_and_transcode, first_bad_line, first_line_fields, line_numbers


@dataclass
class DojExtract:
    """Everything a file holds that Reviewer keeps, ready for bulk insert."""

    source_file: str
    sha256: str
    encoding: str
    rows: int
    persons: pa.Table
    convictions: pa.Table
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def flagged_rows(self) -> int:
        return len({p.line for p in self.problems})


def read_doj_file(path: str | Path) -> DojExtract:
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileRejected(name, None, f"cannot be read ({exc.strerror})") from None
    return read_doj_bytes(raw, name)


def read_doj_bytes(raw: bytes, name: str) -> DojExtract:
    digest = hashlib.sha256(raw).hexdigest()
    data, encoding = check_and_transcode(raw, name)
    del raw
    header = _check_first_line(data, name)
    table = _parse(data, name, header)
    if table.num_rows == 0:
        raise FileRejected(name, 1, "no data rows")
    lines = line_numbers(data, table.num_rows, 2 if header else 1)
    del data
    cols, problems = _derive(table, lines)
    persons = _persons(cols)
    convictions = _convictions(cols, problems, name)
    return DojExtract(name, digest, encoding, table.num_rows, persons, convictions, problems)


def _check_first_line(data: bytes, name: str) -> bool:
    fields = first_line_fields(data)
    upper = [f.strip().upper() for f in fields]
    header = bool(upper) and (upper[0] == "RECORD_ID" or "SUBJECT_ID" in upper)
    count = len(fields)
    if header and count == FIELD_COUNT + 1 and not upper[-1]:
        upper = upper[:-1]  # the extra trailing comma some extracts carry on the header
        count = FIELD_COUNT
    if count != FIELD_COUNT:
        raise FileRejected(name, 1, f"{count} fields, expected {FIELD_COUNT} (not a DOJ research file)")
    if header:
        for index, (got, want) in enumerate(zip(upper, DOJ_COLUMNS), start=1):
            if got != want:
                raise FileRejected(name, 1, f"header column {index} is {got!r}, expected {want!r}")
    return header


def _parse(data: bytes, name: str, header: bool) -> pa.Table:
    bad: list[int] = []

    def on_invalid(row) -> str:
        bad.append(row.actual_columns)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=list(DOJ_COLUMNS), skip_rows=1 if header else 0, block_size=8 << 20
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(USED_COLUMNS),
                column_types={c: pa.string() for c in USED_COLUMNS},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        bad.append(-1)
        table = None
    if bad:
        found = first_bad_line(data, FIELD_COUNT, header)
        if found:
            line, count = found
            raise FileRejected(name, line, f"{count} fields, expected {FIELD_COUNT}")
        raise FileRejected(name, None, "malformed CSV (unbalanced quotes)")
    return table


def _trim(table: pa.Table, column: str) -> pa.Array:
    return pc.utf8_trim_whitespace(table.column(column).combine_chunks())


def _date(strings: pa.Array) -> pa.Array:
    return pc.cast(pc.strptime(strings, format="%Y%m%d", unit="s", error_is_null=True), pa.date32())


def _derive(table: pa.Table, lines: np.ndarray) -> tuple[dict[str, pa.Array], list[RowProblem]]:
    c: dict[str, pa.Array] = {name: _trim(table, name) for name in USED_COLUMNS}
    c["line"] = pa.array(lines)
    c["county"] = pc.utf8_upper(c["STP_ORI_CNTY_NAME"])
    c["step"] = pc.utf8_upper(c["STP_TYPE_DESCR"])
    c["is_conviction"] = pc.starts_with(pc.utf8_upper(c["DISP_DESCR"]), "CONVICTED")
    c["has_subject"] = pc.not_equal(c["SUBJECT_ID"], "")
    offense = c["OFFENSE_DESCR"]
    use_comment = pc.or_(pc.equal(offense, ""), pc.equal(pc.utf8_upper(offense), "SEE COMMENT FOR CHARGE"))
    c["offense_text"] = pc.if_else(use_comment, c["COMMENT_TEXT"], offense)
    c["event_date"] = _date(c["STP_EVENT_DATE"])
    c["dob"] = _date(c["PRI_DOB"])
    c["level"], level_problem = _levels(c["CONV_STAT_DESCR"], c["OFFENSE_TOC"])
    length_ok = pc.match_substring_regex(c["SENT_LENGTH"], r"^\d{1,5}$")
    length = pc.cast(pc.if_else(length_ok, c["SENT_LENGTH"], "0"), pa.int64())
    unit = pc.utf8_upper(c["SENT_TIME_CODE"])
    c["has_sentence"] = pc.and_(length_ok, pc.is_in(unit, pa.array(["D", "M", "Y"])))
    zero = pa.scalar(0, pa.int64())
    c["sent_days"] = pc.if_else(pc.equal(unit, "D"), length, zero)
    c["sent_months"] = pc.add(pc.if_else(pc.equal(unit, "M"), length, zero), pc.multiply(pc.if_else(pc.equal(unit, "Y"), length, zero), 12))
    problems = _row_problems(c, level_problem, length_ok, unit)
    return c, problems


def _levels(conv_stat: pa.Array, toc: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Level from CONV_STAT_DESCR, else OFFENSE_TOC; computed once per distinct pair."""
    pair = pc.binary_join_element_wise(pc.utf8_upper(conv_stat), pc.utf8_upper(toc), "|")
    encoded = pc.dictionary_encode(pair)
    levels, problems = [], []
    for text in encoded.dictionary.to_pylist():
        stat, _, code = text.partition("|")
        level, problem = _level_of(stat, code)
        levels.append(level)
        problems.append(problem)
    indices = encoded.indices
    return pc.take(pa.array(levels, pa.string()), indices), pc.take(pa.array(problems, pa.string()), indices)


def _level_of(stat: str, code: str) -> tuple[str | None, str | None]:
    if stat in LEVEL_WORDS:
        return LEVEL_WORDS[stat], None
    if stat:
        return None, f"CONV_STAT_DESCR: unknown level {stat!r}"
    if code in LEVEL_CODES:
        return code, None
    if code:
        return None, f"OFFENSE_TOC: unknown level {code!r} and CONV_STAT_DESCR blank"
    return None, "CONV_STAT_DESCR and OFFENSE_TOC: level missing"


def _row_problems(c, level_problem, length_ok, unit) -> list[RowProblem]:
    """Bad values on conviction rows (rare): the only per-row Python work, and only for them."""
    conv = c["is_conviction"]
    checks = [
        ("STP_EVENT_DATE", pc.is_null(c["event_date"]), lambda v: f"{v!r} is not a valid date (YYYYMMDD)" if v else "date missing", "STP_EVENT_DATE"),
        ("PRI_DOB", pc.and_(pc.is_null(c["dob"]), pc.not_equal(c["PRI_DOB"], "")), lambda v: "not a valid date (YYYYMMDD)", None),
        ("SENT_LENGTH", pc.and_(pc.invert(length_ok), pc.not_equal(c["SENT_LENGTH"], "")), lambda v: f"{v!r} is not a number", "SENT_LENGTH"),
        ("SENT_TIME_CODE", pc.and_(length_ok, pc.invert(pc.is_in(unit, pa.array(["D", "M", "Y", ""])))), lambda v: f"unknown unit {v!r} (expected D, M or Y)", "SENT_TIME_CODE"),
    ]
    out: list[RowProblem] = []
    lines = c["line"]
    for field_name, mask, describe, value_col in checks:
        mask = pc.and_(conv, mask)
        for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):
            value = c[value_col][i].as_py() if value_col else None
            out.append(RowProblem(int(lines[i].as_py()), field_name, describe(value)))
    mask = pc.and_(conv, pc.is_valid(level_problem))
    for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):
        text = level_problem[i].as_py()
        field_name, _, problem = text.partition(": ")
        out.append(RowProblem(int(lines[i].as_py()), field_name, problem))
    mask = pc.invert(c["has_subject"])
    for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):
        out.append(RowProblem(int(lines[i].as_py()), "SUBJECT_ID", "missing: row skipped (no person to attach it to)"))
    out.sort(key=lambda p: p.line)
    return out


def _persons(c: dict[str, pa.Array]) -> pa.Table:
    step = c["step"]
    is_reg = pc.and_(pc.equal(step, "REGISTRATION"), pc.starts_with(c["OFFENSE_DESCR"], "290"))
    null_date = pa.scalar(None, pa.date32())
    t = pa.table(
        {
            "subject_id": c["SUBJECT_ID"],
            "cii": c["CII_NUMBER"],
            "name": c["PRI_NAME"],
            "dob": c["dob"],
            "deceased": pc.equal(step, "DECEASED"),
            "pc290_registration": is_reg,
            "registration_date": pc.if_else(is_reg, c["event_date"], null_date),
        }
    ).filter(c["has_subject"])
    g = t.group_by("subject_id", use_threads=False).aggregate(
        [
            ("cii", "first"),
            ("name", "first"),
            ("dob", "first"),
            ("deceased", "any"),
            ("pc290_registration", "any"),
            ("registration_date", "min"),
        ]
    )
    return g.rename_columns([n.rsplit("_", 1)[0] if n.endswith(("_first", "_any", "_min")) else n for n in g.column_names])


def _convictions(c: dict[str, pa.Array], problems: list[RowProblem], name: str) -> pa.Table:
    keep = pc.and_(c["is_conviction"], c["has_subject"])
    base = pa.table(
        {
            "subject_id": c["SUBJECT_ID"],
            "count_order": c["CNT_ORDER"],
            "county": c["county"],
            "disposition_date": c["event_date"],
            "offense_text": c["offense_text"],
            "level": c["level"],
            "sent_days": c["sent_days"],
            "sent_months": c["sent_months"],
            "has_sentence": c["has_sentence"],
            "line": c["line"],
        }
    ).filter(keep)
    g = base.group_by(["subject_id", "count_order"], use_threads=False).aggregate(
        [
            ("county", "first"),
            ("disposition_date", "first"),
            ("offense_text", "first"),
            ("level", "first"),
            ("line", "first"),
            ("sent_days", "sum"),
            ("sent_months", "sum"),
            ("has_sentence", "any"),
        ]
    )
    g = g.rename_columns([n.rsplit("_", 1)[0] if n.endswith(("_first", "_sum", "_any")) else n for n in g.column_names])
    g = g.append_column("case_key", pc.utf8_slice_codeunits(g.column("count_order"), 0, 6))
    g = _attach_code_sections(g)
    g = g.append_column("sentence_end", _sentence_end(g))
    g = _attach_case_numbers(g, c)
    g = g.append_column("issues", _issues(g, problems, name))
    return g.sort_by("line")


def _attach_code_sections(g: pa.Table) -> pa.Table:
    encoded = pc.dictionary_encode(g.column("offense_text").combine_chunks())
    parsed = [parse_code_section(text) for text in encoded.dictionary.to_pylist()]
    idx = encoded.indices
    def col(values, typ):
        return pc.take(pa.array(values, typ), idx)
    g = g.append_column("section", col([p.section if p else None for p in parsed], pa.string()))
    g = g.append_column("subsection", col([p.subsection_text if p else "" for p in parsed], pa.string()))
    g = g.append_column("code", col([p.code if p else "" for p in parsed], pa.string()))
    g = g.append_column("attempt", col([bool(p and p.attempt) for p in parsed], pa.bool_()))
    g = g.append_column("code_section", col([str(p) if p else "" for p in parsed], pa.string()))
    return g.append_column(
        "is_cannabis", col([bool(p and p.section in CANNABIS_SECTIONS and p.code in ("HS", "")) for p in parsed], pa.bool_())
    )


def _sentence_end(g: pa.Table) -> pa.Array:
    """Disposition date plus the summed sentence parts (calendar months, then days)."""
    disp = g.column("disposition_date").combine_chunks()
    valid = pc.and_(pc.is_valid(disp), g.column("has_sentence").combine_chunks())
    days = pc.fill_null(disp, pa.scalar(0, pa.date32()).cast(pa.date32())).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    months = g.column("sent_months").to_numpy().astype("timedelta64[M]")
    month_start = days.astype("datetime64[M]")
    day_in_month = days - month_start.astype("datetime64[D]")
    end = (month_start + months).astype("datetime64[D]") + day_in_month + g.column("sent_days").to_numpy().astype("timedelta64[D]")
    return pc.if_else(valid, pa.array(end, pa.date32()), pa.scalar(None, pa.date32()))


def _attach_case_numbers(g: pa.Table, c: dict[str, pa.Array]) -> pa.Table:
    """Court case numbers: the OFNs on COURT ACTION rows of the same case (first 6 of CNT_ORDER)."""
    ofn = c["OFN"]
    keep = pc.and_(
        pc.and_(pc.equal(c["step"], "COURT ACTION"), pc.not_equal(ofn, "")),
        pc.and_(pc.not_equal(pc.utf8_upper(ofn), "NULL"), c["has_subject"]),
    )
    t = pa.table(
        {"subject_id": c["SUBJECT_ID"], "case_key": pc.utf8_slice_codeunits(c["CNT_ORDER"], 0, 6), "ofn": ofn}
    ).filter(keep)
    numbers = t.group_by(["subject_id", "case_key"], use_threads=False).aggregate([("ofn", "distinct")])
    joined = pc.binary_join(numbers.column("ofn_distinct"), "; ")
    numbers = pa.table(
        {"subject_id": numbers.column("subject_id"), "case_key": numbers.column("case_key"), "court_case": joined}
    )
    out = g.join(numbers, ["subject_id", "case_key"], join_type="left outer", use_threads=False)
    return out.set_column(out.schema.get_field_index("court_case"), "court_case", pc.fill_null(out.column("court_case"), ""))


def _issues(g: pa.Table, problems: list[RowProblem], name: str) -> pa.Array:
    if not problems:
        return pa.nulls(g.num_rows, pa.string())
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.describe(name))
    lines = pa.array(sorted(by_line), pa.int64())
    where = pc.index_in(g.column("line"), value_set=lines)
    texts = pa.array(["; ".join(by_line[line]) for line in lines.to_pylist()], pa.string())
    return pc.take(texts, where)
