"""Column work on a parsed DOJ table: which rows matter, persons, convictions, flags.

Everything here is vectorised (pyarrow compute and numpy). Python runs per distinct
offense text and level pair, and per flagged row, never per row of the file.
DOJ extracts list a person's rows together and a count's sentence rows one after the
other (gogen relies on the same order); runs of equal keys are therefore reduced with
numpy, and anything out of order still lands correctly through the database's
unique keys.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reviewer.domain.code_section import read_offense
from reviewer.ingest import value_limits as lim
from reviewer.ingest.doj_format import LEVEL_CODES, LEVEL_WORDS
from reviewer.ingest.problems import RowProblem

NULL_DATE = pa.scalar(None, pa.date32())
_beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-columns")


def _starts(col: pa.Array, word: str) -> pa.Array:
    return pc.match_substring_regex(col, f"^\\s*{word}", ignore_case=True)


def per_value(function, values: pa.Array) -> pa.Array:
    """`function` (value by value) of each row, worked out once per distinct value and taken back to the
    rows: steps, dispositions, counties, offense texts and dates repeat a few values (dates a few
    thousand) over hundreds of thousands of rows."""
    encoded = pc.dictionary_encode(values)
    return pc.take(function(encoded.dictionary), encoded.indices)


def _trim(col) -> pa.Array:
    return pc.utf8_trim_whitespace(col)


def county_name(names: pa.Array) -> pa.Array:
    """Upper case, runs of blanks as one: "Los  Angeles" is LOS ANGELES, as `--county` reads it
    (engine.evaluate.normalise_county); otherwise its convictions could never be evaluated."""
    return pc.replace_substring_regex(pc.utf8_upper(pc.utf8_trim_whitespace(names)), r"\s+", " ")


def _date(strings: pa.Array) -> pa.Array:
    """YYYYMMDD as dates; anything else null (then flagged where it matters). A day past the month's end
    (20190230, which a parser would roll over to 2019-03-02, the date that decides which law applies)
    is no date. Integer arithmetic over the whole column: a parse and a print back per value took
    seven times as long."""
    shaped = pc.fill_null(pc.match_substring_regex(strings, r"^[0-9]{8}$"), False)
    number = pc.cast(pc.if_else(shaped, strings, "19700101"), pa.int32()).to_numpy()
    year, month, day = number // 10000, number // 100 % 100, number % 100
    valid = shaped.to_numpy(zero_copy_only=False) & (month >= 1) & (month <= 12) & (day >= 1)
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (np.clip(month, 1, 12) - 1)
    days = first.astype("datetime64[D]") + (day - 1)
    valid &= days < (first + 1).astype("datetime64[D]")
    return pa.array(days.astype(np.int64).astype(np.int32), pa.int32(), mask=~valid).cast(pa.date32())


ARREST_COLUMNS = ("SUBJECT_ID", "CNT_ORDER", "STP_EVENT_DATE", "OFFENSE_DESCR", "COMMENT_TEXT")
# An arrest for HS 11357-11360 (the offense text, or its comment for "SEE COMMENT FOR CHARGE").
CANNABIS_ARREST = r"^\s*(664\s*/?\s*)?113(5[7-9]|60)([^0-9]|$)"


def rows_that_matter(table: pa.Table, lines: np.ndarray) -> tuple[pa.Table, pa.Table]:
    """Keep convictions, DECEASED and REGISTRATION steps and COURT ACTION rows (case numbers); and,
    apart, the few columns of the ARREST steps (the offense-date evidence of each cycle, and what the
    person was arrested for). Every text trimmed of surrounding blanks, as all that follows reads them.
    Row by row: a file's segments can be taken one by one (then grouped_by_person, on them all); trimmed
    here, a segment at a time, the texts are copied in pieces the allocator hands out again, not in
    whole columns of fresh memory."""
    step = pc.dictionary_encode(table.column("STP_TYPE_DESCR").combine_chunks())
    step_is = lambda word: pc.take(_starts(step.dictionary, word), step.indices)  # noqa: E731
    is_conv = per_value(lambda disp: _starts(disp, "CONVICTED"), table.column("DISP_DESCR").combine_chunks())
    keep = pc.or_(is_conv, step_is("(DECEASED|REGISTRATION|COURT ACTION)"))
    kept = table.drop_columns(["DISP_DESCR"]).append_column("line", pa.array(lines)) \
        .append_column("is_conviction", is_conv).filter(keep)
    is_arrest = pc.and_(step_is("ARREST"), pc.invert(is_conv))
    arrests = table.select(list(ARREST_COLUMNS)).filter(is_arrest)
    return _trimmed(kept), _trimmed(arrests)


def _trimmed(table: pa.Table) -> pa.Table:
    return pa.table({name: _trim(column) if column.type == pa.string() else column
                     for name, column in zip(table.column_names, table.columns)})


def grouped_by_person(kept: pa.Table) -> pa.Table:
    """The rows of each person together, in file order within the person. A file that keeps them
    together already (the DOJ export does) stays as it is; one that does not reads the same."""
    subject = kept.column("SUBJECT_ID").combine_chunks()
    persons = pc.dictionary_encode(subject)
    if len(_run_starts(persons.indices)) == len(persons.dictionary):
        return kept
    order = pc.sort_indices(pa.table({"subject": subject, "line": kept.column("line")}),
                            sort_keys=[("subject", "ascending"), ("line", "ascending")])
    return kept.take(order)


def derive(t: pa.Table) -> dict[str, pa.Array]:
    """Typed columns of the kept rows (rows_that_matter: trimmed already). The dates, ages, levels and
    sentences (_typed) are worked out on a second thread while this one bounds and reads the keys and
    texts."""
    typed = _beside.submit(_typed, t)
    c = {name: t.column(name).combine_chunks() for name in (
        "SUBJECT_ID", "CII_NUMBER", "PRI_NAME", "STP_ORI_CNTY_NAME", "CNT_ORDER", "OFN", "OFFENSE_DESCR",
        "COMMENT_TEXT",
    )}
    step = per_value(pc.utf8_upper, t.column("STP_TYPE_DESCR").combine_chunks())
    c["line"] = t.column("line").combine_chunks()
    c["is_conviction"] = t.column("is_conviction").combine_chunks()
    c["subject_too_long"] = pc.greater(pc.utf8_length(c["SUBJECT_ID"]), lim.MAX_KEY)
    c["has_subject"] = pc.and_(pc.not_equal(c["SUBJECT_ID"], ""), pc.invert(c["subject_too_long"]))
    c["cut"] = _bound_lengths(c)
    c["unsafe_count_order"] = lim.unsafe_in_file_name(c["CNT_ORDER"])  # its first 6 name the case's PDF
    if c["unsafe_count_order"] is not None:
        c["CNT_ORDER"] = lim.file_name_safe(c["CNT_ORDER"])
    c["is_deceased"] = pc.equal(step, "DECEASED")
    c["is_registration"] = pc.and_(pc.equal(step, "REGISTRATION"), pc.starts_with(c["OFFENSE_DESCR"], "290"))
    ofn = c["OFN"]
    c["is_case_number"] = pc.and_(
        pc.and_(pc.equal(step, "COURT ACTION"), pc.not_equal(ofn, "")), pc.not_equal(pc.utf8_upper(ofn), "NULL")
    )
    offense = c["OFFENSE_DESCR"]
    c["offense_text"] = pc.if_else(per_value(_see_comment, offense), c["COMMENT_TEXT"], offense)
    c["county"] = per_value(county_name, c["STP_ORI_CNTY_NAME"])
    c.update(typed.result())
    return c


def _typed(t: pa.Table) -> dict[str, pa.Array]:
    """derive's dates, ages, sentence kinds, levels and sentence lengths, with the texts they come from
    (the flags name them: row_problems)."""
    c = {name: t.column(name).combine_chunks() for name in (
        "PRI_DOB", "STP_EVENT_DATE", "CONV_STAT_DESCR", "OFFENSE_TOC", "SENT_LENGTH", "SENT_TIME_CODE", "CYC_DATE",
        "CYC_AGE", "SENT_LOC_DESCR",
    )}
    c["cycle_date"] = per_value(_date, c["CYC_DATE"])
    age_ok = pc.match_substring_regex(c["CYC_AGE"], r"^\d{1,3}$")
    age = pc.cast(pc.if_else(age_ok, c["CYC_AGE"], "0"), pa.int32())
    age_ok = pc.and_(age_ok, pc.less_equal(age, lim.MAX_AGE))  # (a bad one is flagged: row_problems)
    c["cycle_age"] = pc.if_else(age_ok, age, pa.scalar(None, pa.int32()))
    c["sentence_kind"] = per_value(lambda v: _sentence_kinds(pc.utf8_upper(v)), c["SENT_LOC_DESCR"])
    c["event_date"] = per_value(_date, c["STP_EVENT_DATE"])
    c["dob"] = per_value(_date, c["PRI_DOB"])
    c["level"], c["level_problem"] = _levels(c["CONV_STAT_DESCR"], c["OFFENSE_TOC"])
    length_ok = pc.match_substring_regex(c["SENT_LENGTH"], r"^\d{1,5}$")
    length = pc.cast(pc.if_else(length_ok, c["SENT_LENGTH"], "0"), pa.int64()).to_numpy()
    unit = pc.utf8_upper(c["SENT_TIME_CODE"])
    c["length_ok"], c["unit"] = length_ok, unit
    c["has_sentence"] = pc.and_(length_ok, pc.is_in(unit, pa.array(["D", "M", "Y"])))
    unit_is = lambda code: pc.equal(unit, code).to_numpy(zero_copy_only=False)  # noqa: E731
    days = np.where(unit_is("D"), length, 0)
    months = np.where(unit_is("M"), length, 0) + np.where(unit_is("Y"), length * 12, 0)
    too_long = lim.sentence_too_long(months, days)  # would end past the calendar's last year
    c["sentence_too_long"] = pa.array(too_long)
    c["sent_days"] = np.where(too_long, 0, days)
    c["sent_months"] = np.where(too_long, lim.MAX_SENTENCE_MONTHS, months)
    return c


def _see_comment(offense: pa.Array) -> pa.Array:
    """Where the offense is in COMMENT_TEXT: OFFENSE_DESCR blank or "SEE COMMENT FOR CHARGE"."""
    return pc.or_(pc.equal(offense, ""), pc.equal(pc.utf8_upper(offense), "SEE COMMENT FOR CHARGE"))


# Text columns bounded at import: (column, limit). The cut columns replace the originals.
_BOUNDED = (("PRI_NAME", lim.MAX_NAME), ("CII_NUMBER", lim.MAX_CII), ("OFN", lim.MAX_COURT_CASE),
            ("STP_ORI_CNTY_NAME", lim.MAX_COUNTY), ("CNT_ORDER", lim.MAX_KEY), ("OFFENSE_DESCR", lim.MAX_OFFENSE),
            ("COMMENT_TEXT", lim.MAX_OFFENSE))


def _bound_lengths(c: dict[str, pa.Array]) -> list[tuple[str, int, pa.Array, pa.Array]]:
    """Cut over-long texts in place; (column, limit, mask, original lengths) of each column that had one."""
    out = []
    for name, limit in _BOUNDED:
        lengths = pc.utf8_length(c[name])
        c[name], mask = lim.cut(c[name], limit)
        if mask is not None:
            out.append((name, limit, mask, lengths))
    return out


def _sentence_kinds(location: pa.Array) -> pa.Array:
    """SENT_LOC_DESCR as prison, jail, probation or "" (fine, blank, unknown)."""
    prison = pc.match_substring_regex(location, "PRISON|CDC|CYA|YOUTH AUTH")
    probation = pc.match_substring(location, "PROB")
    jail = pc.match_substring(location, "JAIL")
    return pc.if_else(prison, "prison", pc.if_else(probation, "probation", pc.if_else(jail, "jail", "")))


def _levels(conv_stat: pa.Array, toc: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Level from CONV_STAT_DESCR, else OFFENSE_TOC; worked out once per distinct pair."""
    pair = pc.binary_join_element_wise(pc.utf8_upper(conv_stat), pc.utf8_upper(toc), "|")
    encoded = pc.dictionary_encode(pair)
    levels, problems = [], []
    for text in encoded.dictionary.to_pylist():
        stat, _, code = text.partition("|")
        level, problem = _level_of(stat, code)
        levels.append(level)
        problems.append(problem)
    return pc.take(pa.array(levels, pa.string()), encoded.indices), pc.take(pa.array(problems, pa.string()), encoded.indices)


def _level_of(stat: str, code: str) -> tuple[str | None, str | None]:
    if stat in LEVEL_WORDS:
        return LEVEL_WORDS[stat], None
    if stat:
        return None, f"CONV_STAT_DESCR: unknown level {lim.shown(stat)}"
    if code in LEVEL_CODES:
        return code, None
    if code:
        return None, f"OFFENSE_TOC: unknown level {lim.shown(code)} and CONV_STAT_DESCR blank"
    return None, "CONV_STAT_DESCR and OFFENSE_TOC: level missing"


def row_problems(c: dict[str, pa.Array], today: date | None = None) -> list[RowProblem]:
    """Bad values on conviction rows (rare): the only per-row Python work, and only for those rows."""
    conv = c["is_conviction"]
    blank_or = lambda v: f"{lim.shown(v)} is not a valid date (YYYYMMDD)" if v else "date missing"  # noqa: E731
    checks = [
        ("STP_EVENT_DATE", pc.is_null(c["event_date"]), "STP_EVENT_DATE", blank_or),
        ("PRI_DOB", pc.and_(pc.is_null(c["dob"]), pc.not_equal(c["PRI_DOB"], "")), None,
         lambda v: "not a valid date (YYYYMMDD)"),
        ("SENT_LENGTH", pc.and_(pc.invert(c["length_ok"]), pc.not_equal(c["SENT_LENGTH"], "")), "SENT_LENGTH",
         lambda v: f"{lim.shown(v)} is not a number"),
        ("SENT_TIME_CODE", pc.and_(c["length_ok"], pc.invert(pc.is_in(c["unit"], pa.array(["D", "M", "Y", ""])))),
         "SENT_TIME_CODE", lambda v: f"unknown unit {lim.shown(v)} (expected D, M or Y)"),
        ("CYC_AGE", pc.and_(pc.is_null(c["cycle_age"]), pc.not_equal(c["CYC_AGE"], "")), "CYC_AGE",
         lambda v: f"{lim.shown(v)} is not an age (0 to {lim.MAX_AGE} years): the age at the arrest is not known"),
        ("STP_ORI_CNTY_NAME", pc.equal(c["county"], ""), None,
         lambda v: "county missing: no county's evaluation reaches this conviction"),
    ]
    out: list[RowProblem] = []
    lines = c["line"]
    for field_name, mask, value_col, describe in checks:
        for i in _where(pc.and_(conv, mask)):
            value = c[value_col][i].as_py() if value_col else None
            out.append(RowProblem(lines[i].as_py(), field_name, describe(value)))
    for i in _where(pc.and_(conv, pc.is_valid(c["level_problem"]))):
        field_name, _, problem = c["level_problem"][i].as_py().partition(": ")
        out.append(RowProblem(lines[i].as_py(), field_name, problem))
    for i in _where(pc.and_(pc.invert(c["has_subject"]), pc.invert(c["subject_too_long"]))):
        out.append(RowProblem(lines[i].as_py(), "SUBJECT_ID", "missing: row skipped (no person to attach it to)"))
    for i in _where(c["subject_too_long"]):
        out.append(RowProblem(lines[i].as_py(), "SUBJECT_ID", f"longer than {lim.MAX_KEY} characters: row skipped"))
    out += _poisoning_values(c, today or date.today())
    out += _unreadable_cannabis(c)
    out.sort(key=lambda p: p.line)
    return out


def _poisoning_values(c: dict[str, pa.Array], today: date) -> list[RowProblem]:
    """Values that pass the format checks but would break later steps (value_limits), on rows that import."""
    kept, conv = c["has_subject"], pc.and_(c["is_conviction"], c["has_subject"])
    lines = c["line"]
    checks = [(pc.and_(kept, mask), name, lambda i, n=lengths, lm=limit: lim.too_long_text(lm)(n[i].as_py()))
              for name, limit, mask, lengths in c["cut"]]
    checks += [
        (pc.and_(conv, c["sentence_too_long"]), "SENT_LENGTH",
         lambda i: f"{c['SENT_LENGTH'][i].as_py()} {c['unit'][i].as_py()} is {lim.SENTENCE_CAPPED}"),
        (pc.and_(conv, lim.after(c["dob"], c["event_date"])), "PRI_DOB", lambda i: lim.DOB_AFTER_CONVICTION),
        (pc.and_(conv, lim.after_day(c["dob"], today)), "PRI_DOB", lambda i: lim.DOB_IN_FUTURE),
        (pc.and_(conv, lim.after_day(c["event_date"], today)), "STP_EVENT_DATE",
         lambda i: f"{lim.shown(c['STP_EVENT_DATE'][i].as_py())} is in the future"),
    ]
    if c["unsafe_count_order"] is not None:
        checks.append((pc.and_(kept, c["unsafe_count_order"]), "CNT_ORDER", lambda i: lim.KEY_CHARACTERS))
    return [RowProblem(lines[i].as_py(), name, describe(i)) for mask, name, describe in checks for i in _where(mask)]


def _unreadable_cannabis(c: dict[str, pa.Array]) -> list[RowProblem]:
    """Conviction rows whose offense text names HS 11357-11360 but cannot be read as one (DOMAIN.md,
    "Spellings"): flagged on the field the text came from, so that the count imports and goes to review."""
    problems = cannabis_read_problems(c["offense_text"])
    if problems.null_count == len(problems):
        return []
    rows = _where(pc.and_(pc.and_(c["is_conviction"], c["has_subject"]), pc.is_valid(problems)))
    if not len(rows):
        return []
    offense = c["OFFENSE_DESCR"]
    from_comment = per_value(_see_comment, offense)
    take = pa.array(rows)
    lines = pc.take(c["line"], take).to_pylist()
    fields = pc.take(from_comment, take).to_pylist()
    texts = pc.take(problems, take).to_pylist()
    return [RowProblem(line, "COMMENT_TEXT" if comment else "OFFENSE_DESCR", text)
            for line, comment, text in zip(lines, fields, texts)]


def cannabis_read_problems(texts: pa.Array) -> pa.Array:
    """Per row, why an offense text that names HS 11357-11360 could not be read as one, else null.
    Works on the distinct texts: a substring test picks the candidates, Python reads each once."""
    encoded = pc.dictionary_encode(texts)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = encoded.dictionary
    problems: list[str | None] = [None] * len(distinct)
    for i in _where(pc.match_substring_regex(distinct, "113(5[7-9]|60)")):
        problems[i] = read_offense(distinct[i].as_py())[1]
    if not any(problems):
        return pa.nulls(len(encoded), pa.string())
    return pc.take(pa.array(problems, pa.string()), encoded.indices)


def _where(mask: pa.Array) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _run_starts(*keys: pa.Array) -> np.ndarray:
    """Indices where a run of equal keys begins (keys without nulls; compared in Arrow, not as Python
    objects)."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= pc.not_equal(key.slice(1), key.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    return np.flatnonzero(change)


def persons(c: dict[str, pa.Array]) -> pa.Table:
    mask = c["has_subject"]
    subject = c["SUBJECT_ID"].filter(mask)
    starts = _run_starts(subject)
    take = pa.array(starts)
    deceased = np.logical_or.reduceat(c["is_deceased"].filter(mask).to_numpy(zero_copy_only=False), starts) if len(starts) else np.zeros(0, bool)
    is_reg = c["is_registration"].filter(mask)
    reg_days = pc.if_else(is_reg, c["event_date"].filter(mask), NULL_DATE)
    days = pc.fill_null(pc.cast(reg_days, pa.int32()), np.iinfo(np.int32).max).to_numpy()
    first_reg = np.minimum.reduceat(days, starts) if len(starts) else np.zeros(0, np.int32)
    registered = first_reg < np.iinfo(np.int32).max
    reg_date = pc.if_else(pa.array(registered), pa.array(np.where(registered, first_reg, 0).astype(np.int32)).cast(pa.date32()), NULL_DATE)
    # A registration step without a valid date still means registered.
    any_reg = np.logical_or.reduceat(is_reg.to_numpy(zero_copy_only=False), starts) if len(starts) else np.zeros(0, bool)
    return pa.table({
        "subject_id": pc.take(subject, take),
        "cii": pc.take(c["CII_NUMBER"].filter(mask), take),
        "name": pc.take(c["PRI_NAME"].filter(mask), take),
        "dob": pc.take(c["dob"].filter(mask), take),
        "deceased": pa.array(deceased),
        "pc290_registration": pa.array(any_reg),
        "registration_date": reg_date,
        "line": pc.take(c["line"].filter(mask), take),  # the person's first line: where a problem with it is shown
    })


def convictions(c: dict[str, pa.Array], problems: list[RowProblem], source: str,
                arrests: Arrests | None = None) -> pa.Table:
    mask = pc.and_(c["is_conviction"], c["has_subject"])
    pick = lambda name: c[name].filter(mask)  # noqa: E731
    subject, count = pick("SUBJECT_ID"), pick("CNT_ORDER")
    starts = _run_starts(subject, count)
    take = pa.array(starts)
    first = lambda arr: pc.take(arr, take)  # noqa: E731
    np_mask = mask.to_numpy(zero_copy_only=False)
    has_sentence = np.logical_or.reduceat(pick("has_sentence").to_numpy(zero_copy_only=False), starts) if len(starts) else np.zeros(0, bool)
    disp = first(pick("event_date"))
    # Parts of one sentence run together (jail served within probation ends with the probation): the
    # count's sentence ends with its longest part, never with the parts added up.
    part_end = _sentence_end(c["event_date"].filter(mask), pick("has_sentence").to_numpy(zero_copy_only=False),
                             c["sent_months"][np_mask], c["sent_days"][np_mask])
    end_days = pc.fill_null(pc.cast(part_end, pa.int32()), np.iinfo(np.int32).min).to_numpy()
    latest = np.maximum.reduceat(end_days, starts) if len(starts) else np.zeros(0, np.int32)
    sentence_end = pc.if_else(pa.array(latest > np.iinfo(np.int32).min),
                              pa.array(np.where(latest > np.iinfo(np.int32).min, latest, 0).astype(np.int32)).cast(pa.date32()),
                              NULL_DATE)
    g = pa.table({
        "subject_id": first(subject),
        "count_order": first(count),
        "case_key": pc.utf8_slice_codeunits(first(count), 0, 6),
        "county": first(pick("county")),
        "disposition_date": disp,
        "offense_text": first(pick("offense_text")),
        "level": first(pick("level")),
        "line": first(pick("line")),
        "has_sentence": pa.array(has_sentence),
        "sentence_end": sentence_end,
        "sentence_kind": _count_kind(pick("sentence_kind"), starts),
        "cycle_age": first(pick("cycle_age")),
    })
    g = attach_code_sections(g)
    # The case numbers and the count clashes are worked out on a second thread while this one matches the
    # arrests (Arrow and numpy let go of the GIL): 0.2 s less on the 1M-row demo file.
    numbers = _beside.submit(_case_numbers, g, c)
    clashes_found = _beside.submit(_counts_with_two_offenses, g, subject, count, pick("offense_text"), pick("line"))
    offense_date, cannabis_arrest = _arrest_columns(g, arrests, first(pick("cycle_date")))
    g = g.append_column("court_case", numbers.result()).append_column("offense_date", offense_date) \
        .append_column("cannabis_arrest", cannabis_arrest)
    clashes = clashes_found.result()
    if clashes:  # (the caller's list: the import reports them among its flagged rows, in line order)
        problems.extend(clashes)
        problems.sort(key=lambda p: p.line)
    return g.append_column("issues", _issues(g, problems, source))


def _counts_with_two_offenses(g: pa.Table, subject: pa.Array, count: pa.Array, offense: pa.Array,
                              line: pa.Array) -> list[RowProblem]:
    """One conviction is kept per person and CNT_ORDER (rows of one count run together; a count seen again
    adds nothing). Where one CNT_ORDER holds two different offenses, the other offense is not kept, and it
    may be what disqualifies another conviction (a prior murder): every conviction of that person is
    flagged, naming both lines, so that each goes to review."""
    if not len(subject):
        return []
    text = per_value(lambda v: pc.utf8_upper(_trim(v)), offense)
    if _one_offense_per_count(subject, count, text):
        return []  # the usual file: no grouping at all
    rows = pa.table({"s": subject, "c": count, "o": text, "l": line})
    rows = rows.filter(pc.not_equal(rows["o"], ""))
    seen = rows.group_by(["s", "c"], use_threads=False).aggregate(
        [("o", "count_distinct"), ("l", "min"), ("l", "max")])
    clash = seen.filter(pc.greater(seen["o_count_distinct"], 1))
    first_clash: dict[str, tuple[str, int, int]] = {}
    for who, order, low, high in zip(*(clash[k].to_pylist() for k in ("s", "c", "l_min", "l_max"))):
        first_clash.setdefault(who, (order, low, high))
    people = pa.array(list(first_clash), pa.string())
    mine = g.filter(pc.is_in(g["subject_id"], value_set=people))
    out = []
    for who, at in zip(mine["subject_id"].to_pylist(), mine["line"].to_pylist()):
        order, low, high = first_clash[who]
        out.append(RowProblem(at, "CNT_ORDER", f"count {order} is on line {low} and line {high} with "
                                               "different offenses (OFFENSE_DESCR); one conviction per count is kept, "
                                               "so a conviction of this person may be missing: read the record"))
    return out


def _one_offense_per_count(subject: pa.Array, count: pa.Array, text: pa.Array) -> bool:
    """No (person, CNT_ORDER) holds two different non-empty offense texts: distinct (count, text) pairs,
    counted on integer codes."""
    codes = [pc.dictionary_encode(a, null_encoding="encode").indices.to_numpy().astype(np.int64)
             for a in (subject, count, text)]
    sizes = [int(c.max()) + 1 for c in codes]
    key = codes[0] * sizes[1] + codes[1]
    given = pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
    pairs = _distinct(key[given] * sizes[2] + codes[2][given])
    return len(_distinct(pairs // sizes[2])) == len(pairs)


def _first_of_each(values: np.ndarray) -> np.ndarray:
    """Where each distinct value first occurs, in order."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    return np.sort(order[np.concatenate(([True], ordered[1:] != ordered[:-1]))]) if len(values) else order


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, in order: np.unique by a sort (numpy 2.4's np.unique takes ten times as long)."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def _count_kind(kinds: pa.Array, starts: np.ndarray) -> pa.Array:
    """Prison if any part of the count's sentence is prison, else probation, else jail."""
    values = kinds.to_numpy(zero_copy_only=False)
    if not len(starts):
        return pa.array([], pa.string())
    out = np.full(len(starts), "", dtype=object)
    for kind in ("jail", "probation", "prison"):  # later ones win
        hit = np.logical_or.reduceat(values == kind, starts)
        out[hit] = kind
    return pa.array(out, pa.string())


@dataclass
class Arrests:
    """What the cycle match reads of the arrest steps alone (arrest_columns), worked out before the
    convictions are: each arrest's subject and cycle (the first 3 of CNT_ORDER), day (NO_DAY where it has
    none), offense text (COMMENT_TEXT for "SEE COMMENT FOR CHARGE"), and whether it is for HS 11357-11360."""
    subject: pa.Array
    cycle: pa.Array
    days: np.ndarray
    texts: pa.Array
    cannabis: np.ndarray

    @property
    def count(self) -> int:
        return len(self.subject)


NO_DAY = np.iinfo(np.int32).max
_apart = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reviewer-arrests")


def arrest_columns(arrests: pa.Table) -> Arrests:
    """The arrests' own columns (rows_that_matter's second table: texts trimmed)."""
    offense = arrests.column("OFFENSE_DESCR").combine_chunks()
    texts = pc.if_else(per_value(_see_comment, offense), arrests.column("COMMENT_TEXT").combine_chunks(), offense)
    days = pc.fill_null(pc.cast(per_value(_date, arrests.column("STP_EVENT_DATE").combine_chunks()), pa.int32()),
                        NO_DAY).to_numpy()
    cannabis = per_value(lambda v: pc.match_substring_regex(v, CANNABIS_ARREST, ignore_case=True), texts)
    return Arrests(arrests.column("SUBJECT_ID").combine_chunks(),
                   pc.utf8_slice_codeunits(arrests.column("CNT_ORDER").combine_chunks(), 0, 3), days, texts,
                   cannabis.to_numpy(zero_copy_only=False))


def arrest_columns_apart(arrests: pa.Table) -> Future:
    """arrest_columns on a thread of its own (doj_reader._extract: while derive works on the kept rows,
    which leaves a core mostly idle)."""
    return _apart.submit(arrest_columns, arrests)


def _arrest_columns(g: pa.Table, arrests: Arrests | None, cycle_date: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Offense date and cannabis arrests of each conviction's arrest cycle (subject + first 3 of CNT_ORDER).

    offense_date: CYC_DATE where the file has it, else the earliest ARREST step of the cycle. The
    offense was committed on or before it (a prior must exist at that time: People v. Smit).
    cannabis_arrest: where the cycle began with an HS 11357-11360 arrest but no count of it was
    convicted of a cannabis offense, the arrest ("11359 HS-POSSESS FOR SALE, arrested 2012-03-04"),
    so that a related conviction (a possible plea bargain) goes to review.
    Cycles are matched on integer keys (numpy sort and search), not on joined strings."""
    n = g.num_rows
    none = pa.nulls(n, pa.string())
    if arrests is None or arrests.count == 0 or n == 0:
        return cycle_date, none
    a_keys, c_keys = _cycle_keys(arrests.subject, arrests.cycle, g.column("subject_id").combine_chunks(),
                                 pc.utf8_slice_codeunits(g.column("count_order"), 0, 3).combine_chunks())
    days = arrests.days
    order = np.argsort(a_keys, kind="stable")
    sorted_keys = a_keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    cycles = sorted_keys[starts]
    earliest = np.minimum.reduceat(days[order], starts)
    pos = np.minimum(np.searchsorted(cycles, c_keys), len(cycles) - 1)
    found = (cycles[pos] == c_keys) & (earliest[pos] != NO_DAY)
    arrested = pc.if_else(pa.array(found), pa.array(np.where(found, earliest[pos], 0).astype(np.int32)).cast(pa.date32()),
                          NULL_DATE)
    offense_date = pc.if_else(pc.is_valid(cycle_date), cycle_date, arrested)
    cannabis, texts = arrests.cannabis, arrests.texts
    if not cannabis.any():
        return offense_date, none
    # The first cannabis arrest of each cycle, for cycles none of whose counts was a cannabis conviction.
    hits = np.flatnonzero(cannabis)
    hit_order = hits[np.argsort(a_keys[hits], kind="stable")]
    hit_keys = a_keys[hit_order]
    first = hit_order[np.concatenate(([True], hit_keys[1:] != hit_keys[:-1]))]
    first_keys = a_keys[first]
    convicted = _distinct(c_keys[g.column("is_cannabis").to_numpy(zero_copy_only=False)])
    pos = np.minimum(np.searchsorted(first_keys, c_keys), len(first_keys) - 1)
    wanted = (first_keys[pos] == c_keys) & ~np.isin(c_keys, convicted)
    if not wanted.any():
        return offense_date, none
    needed = _distinct(pos[wanted])  # labels only for the cycles that need one (few): Python per cycle
    rows = first[needed]
    labels = [f"{text}, arrested {_iso(day)}"[:400] if day != NO_DAY else text[:400]
              for text, day in zip(pc.take(texts, pa.array(rows)).to_pylist(), days[rows].tolist())]
    slot = np.searchsorted(needed, np.where(wanted, pos, needed[0]))
    cannabis_arrest = pc.take(pa.array(labels, pa.string()), pa.array(slot, mask=~wanted))  # null: none
    return offense_date, cannabis_arrest


def _iso(days: int) -> str:
    return str(np.datetime64(int(days), "D"))


def _cycle_keys(subject_a: pa.Array, cycle_a: pa.Array, subject_b: pa.Array, cycle_b: pa.Array):
    """Integer keys for (subject, cycle) pairs of two tables, equal where the pairs are equal."""
    subjects = pc.dictionary_encode(pa.concat_arrays([subject_a, subject_b])).indices.to_numpy().astype(np.int64)
    cycles = pc.dictionary_encode(pa.concat_arrays([cycle_a, cycle_b]))
    keys = subjects * max(len(cycles.dictionary), 1) + cycles.indices.to_numpy()
    return keys[: len(subject_a)], keys[len(subject_a):]


def _sentence_end(disp: pa.Array, has_sentence: np.ndarray, months: np.ndarray, days: np.ndarray) -> pa.Array:
    """Disposition date plus the summed sentence parts (calendar months, then days)."""
    valid = pc.and_(pc.is_valid(disp), pa.array(has_sentence))
    start = pc.fill_null(disp, pa.scalar(0, pa.int32()).cast(pa.date32())).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    month_start = start.astype("datetime64[M]")
    day_in_month = start - month_start.astype("datetime64[D]")
    end = (month_start + months.astype("timedelta64[M]")).astype("datetime64[D]") + day_in_month + days.astype("timedelta64[D]")
    return pc.if_else(valid, pa.array(end, pa.date32()), NULL_DATE)


def attach_code_sections(g: pa.Table) -> pa.Table:
    """Section, subsection, code and cannabis flag from the offense text, parsed once per distinct text.

    A text that names HS 11357-11360 but cannot be read as one is never dropped: it reads as the section
    it names, a cannabis conviction (row_problems flags the row, so it goes to review)."""
    encoded = pc.dictionary_encode(g.column("offense_text"))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    parsed = [read_offense(text)[0] for text in encoded.dictionary.to_pylist()]
    idx = encoded.indices
    columns = {
        "section": ([p.section if p else None for p in parsed], pa.string()),
        "subsection": ([p.subsection_text if p else "" for p in parsed], pa.string()),
        "code": ([p.code if p else "" for p in parsed], pa.string()),
        "attempt": ([bool(p and p.attempt) for p in parsed], pa.bool_()),
        "code_section": ([str(p) if p else "" for p in parsed], pa.string()),
        "is_cannabis": ([bool(p and p.is_cannabis) for p in parsed], pa.bool_()),
    }
    for name, (values, typ) in columns.items():
        g = g.append_column(name, pc.take(pa.array(values, typ), idx))
    return g


def _case_numbers(g: pa.Table, c: dict[str, pa.Array]) -> pa.Array:
    """Court case numbers: the distinct OFNs on COURT ACTION rows of the same case (first 6 of CNT_ORDER),
    in the order they first appear, joined by "; ". Cases and numbers are matched on integer codes (numpy
    sort and search, Arrow hash lookups); the rows keep their order."""
    mask = pc.and_(c["is_case_number"], c["has_subject"])
    row_case, conviction_case = _cycle_keys(c["SUBJECT_ID"].filter(mask),
                                            pc.utf8_slice_codeunits(c["CNT_ORDER"].filter(mask), 0, 6),
                                            g.column("subject_id").combine_chunks(), g.column("case_key").combine_chunks())
    ofn = pc.dictionary_encode(c["OFN"].filter(mask))
    ofn_code = ofn.indices.to_numpy()
    firsts = _first_of_each(row_case * max(len(ofn.dictionary), 1) + ofn_code)  # each (case, number) once
    keys, ofns = pa.array(row_case[firsts]), pc.take(ofn.dictionary, pa.array(ofn_code[firsts]))
    if len(_distinct(row_case[firsts])) == len(firsts):  # one number per case, as usual
        numbers = ofns
    else:
        grouped = pa.table({"key": keys, "ofn": ofns}).group_by("key", use_threads=False).aggregate([("ofn", "list")])
        keys, numbers = grouped.column("key"), pc.binary_join(grouped.column("ofn_list"), "; ")
    court_case, _ = lim.cut(pc.fill_null(pc.take(numbers, pc.index_in(pa.array(conviction_case), value_set=keys)), ""),
                            lim.MAX_COURT_CASE)  # several numbers joined may exceed one number's bound
    return court_case


def _issues(g: pa.Table, problems: list[RowProblem], source: str) -> pa.Array:
    if not problems:
        return pa.nulls(g.num_rows, pa.string())
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.describe(source))
    lines = pa.array(sorted(by_line), pa.int64())
    texts = pa.array(["; ".join(by_line[line]) for line in lines.to_pylist()], pa.string())
    return pc.take(texts, pc.index_in(g.column("line"), value_set=lines))
